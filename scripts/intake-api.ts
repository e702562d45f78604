// Writes the request-body schemas of docs/intake-api.yaml from the zod schemas the server parses with, so the
// contract and the code never drift (test/intake-api.test.ts fails when they do). The rest of the document is
// written by hand and kept as it is, comments included. `--check` only says whether they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import { generatedSchemas } from '../src/intake/api-schemas.js';

const file = new URL('../docs/intake-api.yaml', import.meta.url);
const doc = parseDocument(readFileSync(file, 'utf8'));
let differs = false;
for (const [name, schema] of Object.entries(generatedSchemas())) {
  const current = doc.getIn(['components', 'schemas', name]) as { toJSON?: () => unknown } | undefined;
  if (isDeepStrictEqual(current?.toJSON?.() ?? current, schema)) continue;
  differs = true;
  doc.setIn(['components', 'schemas', name], doc.createNode(schema));
}
if (process.argv.includes('--check')) {
  console.log(differs ? 'docs/intake-api.yaml differs from the zod schemas' : 'docs/intake-api.yaml is current');
  process.exitCode = differs ? 1 : 0;
} else if (differs) {
  writeFileSync(file, doc.toString({ lineWidth: 120 }));
  console.log('docs/intake-api.yaml: request schemas written from the zod schemas');
}
