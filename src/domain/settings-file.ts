import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** Reads a JSON file named by the variable `name` (the SLA policy, triage rules, on-call rotation). */
export function readJsonFile(name: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${name} ${file} cannot be read as JSON: ${(err as Error).message}`);
  }
}

/** Validates what such a file holds; a bad file stops Deskbell at start naming every problem. */
export function validFile<S extends z.ZodType>(name: string, file: string, schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${name} ${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}
