import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentedVariables, parseConfig } from '../src/config.js';

describe('.env.example', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');

  it('mentions every configuration variable', () => {
    for (const { name } of documentedVariables()) expect(text, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('parses as a valid configuration once copied', () => {
    const env = Object.fromEntries(
      text
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/\s+#.*$/, '')]),
    );
    expect(() => parseConfig(env)).not.toThrow();
  });
});
