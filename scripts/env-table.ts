// Prints the environment-variable table for README.md from the zod schema, so the two never drift.
// A `|` in a description is escaped: it would split the table cell.
import { documentedVariables } from '../src/config.js';

console.log('| variable | meaning |\n| --- | --- |');
for (const { name, description } of documentedVariables()) console.log(`| \`${name}\` | ${description.replace(/\|/g, '\\|')} |`);
