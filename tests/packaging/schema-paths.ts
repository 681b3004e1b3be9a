/** The option paths a zod schema accepts, as the add-on manifest and the docs name them. */
import { z } from 'zod';

/** Dotted paths of every leaf key; list elements are `[]`. */
export function zodPaths(schema: z.core.$ZodType, prefix = ''): string[] {
  if (schema instanceof z.ZodObject) {
    return Object.entries(schema.shape).flatMap(([key, child]) =>
      childPaths(child, `${prefix}${key}`),
    );
  }
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional
  ) {
    return zodPaths(schema.unwrap(), prefix);
  }
  if (schema instanceof z.ZodPipe) return zodPaths(schema.in, prefix);
  if (schema instanceof z.ZodArray) return zodPaths(schema.element, listPrefix(prefix));

  return [prefix.replace(/\.$/, '')];
}

function childPaths(child: z.core.$ZodType, key: string): string[] {
  const nested = zodPaths(child, `${key}.`);

  return nested.map((p) => (p === key || p === `${key}.` ? key : p));
}

/** `tvs.` becomes `tvs[].`: the keys inside a list of objects. */
export function listPrefix(prefix: string): string {
  return `${prefix.replace(/\.$/, '')}[].`;
}
