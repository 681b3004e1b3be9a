import { z } from 'zod';

/**
 * Per-parse error map: a missing value reads `required` instead of zod's
 * "expected string, received undefined".
 */
export const requiredErrorMap: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined;

/** One line per problem, each prefixed by its dotted path: `tvs.0.host: required`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');

    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}

/**
 * One `path: unknown option` line per key in `input` that `schema` does not know, with a
 * suggestion when a known key is close (`mqtt.urll: unknown option (did you mean mqtt.url?)`).
 * zod's default object mode drops such keys silently, so a misspelt option would otherwise just
 * not apply. Walks the schema rather than making it strict, so it follows the schema as it grows.
 */
export function unknownOptionProblems(input: unknown, schema: z.core.$ZodType): string[] {
  const problems: string[] = [];
  walk(input, schema, [], problems);

  return problems;
}

function walk(value: unknown, schema: z.core.$ZodType, at: string[], problems: string[]): void {
  const shape = structural(schema);
  if (shape instanceof z.ZodArray && Array.isArray(value)) {
    value.forEach((item, index) => {
      walk(item, shape.element, [...at, String(index)], problems);
    });
    return;
  }
  if (!(shape instanceof z.ZodObject) || !isPlainObject(value)) return;

  const known = Object.keys(shape.shape);
  // `.catchall()` / `.passthrough()` objects take any key on purpose; `.strict()` ones say never.
  const catchall = shape.def.catchall instanceof z.ZodNever ? undefined : shape.def.catchall;
  for (const [key, child] of Object.entries(value)) {
    const fields: Record<string, z.core.$ZodType> = shape.shape;
    const field = fields[key] ?? catchall;
    if (field) {
      walk(child, field, [...at, key], problems);
      continue;
    }
    const near = closest(key, known);
    const hint = near === undefined ? '' : ` (did you mean ${[...at, near].join('.')}?)`;
    problems.push(`${[...at, key].join('.')}: unknown option${hint}`);
  }
}

/** The object or array a schema validates, through defaults, optionals and transforms. */
function structural(schema: z.core.$ZodType): z.core.$ZodType {
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable
  ) {
    return structural(schema.unwrap());
  }
  // `object.transform()` checks its input side; `preprocess()` its output side.
  if (schema instanceof z.ZodPipe) {
    return structural(schema.in instanceof z.ZodTransform ? schema.out : schema.in);
  }

  return schema;
}

/**
 * A known key that differs only in case and separators, that starts with the key (a unit
 * suffix left off), or that is at most two edits away (a swap of neighbours is one).
 */
function closest(key: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const same = known.find((k) => squash(k) === squash(key));
  if (same !== undefined) return same;
  const longer = key.length >= 4 ? known.find((k) => k.startsWith(key.toLowerCase())) : undefined;
  if (longer !== undefined) return longer;

  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate);
    if (distance <= 2 && distance < candidate.length / 2 && distance < (best?.distance ?? 3)) {
      best = { key: candidate, distance };
    }
  }

  return best?.key;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      const row = rows[i];
      if (row) row[j] = best;
    }
  }

  return at(a.length, b.length);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
