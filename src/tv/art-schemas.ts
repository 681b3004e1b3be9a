/**
 * zod pieces shared by the art API files: the TV's loose number and text fields, and parsing
 * a reply (or a JSON string nested inside one) into a clear TV_BAD_REPLY naming the request.
 */
import { z } from 'zod';
import { tvBadReply } from './errors.js';
import { parseJson } from './protocol.js';

/** Widths, heights and similar arrive as numbers or numeric strings (§3.7). */
export const numberLike = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

/** Optional text the TV sends as `""` when unset. */
export const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v ? v : null));

/** Text the TV may send as a number (`"15"` or `15`). */
export const textLike = z.union([z.string(), z.number()]).transform(String);

/** `"on"`/`"off"`, tolerating upper case (some sets upper-case ids and values, §3.7). */
export const onOffText = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(['on', 'off']));

export function parseReply<T extends z.ZodType>(
  request: string,
  schema: T,
  value: unknown,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw tvBadReply(request, parsed.error);
  }

  return parsed.data;
}

/** Lists travel as JSON strings inside the reply's JSON (§3.5, §3.7); some sets send arrays. */
export function parseNested<T extends z.ZodType>(
  request: string,
  schema: T,
  value: unknown,
): z.output<T> {
  const inner = typeof value === 'string' ? parseJson(value) : value;

  return parseReply(request, schema, inner);
}

/**
 * A write's reply that echoes what was set must echo the same (case aside: some sets upper-case
 * ids and values, §3.7); an absent echo is fine. A different value is a reply that does not fit.
 */
export function checkEcho(
  request: string,
  field: string,
  sent: string,
  echoed: string | null | undefined,
): void {
  if (echoed === null || echoed === undefined || echoed.toLowerCase() === sent.toLowerCase()) {
    return;
  }

  throw tvBadReply(request, new Error(`${field} ${echoed} echoed, ${sent} sent`));
}
