import { z } from 'zod';
import { logLevel } from '../config/schema.js';

/** The simulated catalogue's size: what the demo can generate in reasonable time. */
export const MAX_DEMO_ARTWORKS = 10_000;

/** The demo's command-line flags as commander hands them over (strings), checked and typed. */
export const demoFlagsSchema = z.object({
  artworks: z
    .string()
    .regex(/^[0-9]+$/, 'must be a whole number')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'must be at least 1')
        .max(MAX_DEMO_ARTWORKS, `must be at most ${MAX_DEMO_ARTWORKS}`),
    ),
  latency: z.enum(['none', 'fast', 'realistic'], { error: 'must be none, fast or realistic' }),
  logLevel,
  dataDir: z.string().trim().min(1, 'must not be empty').optional(),
  once: z.boolean(),
  aiFake: z.boolean(),
});

export type DemoFlags = z.output<typeof demoFlagsSchema>;

/** The flags, or every problem as `--flag: message` lines. */
export function parseDemoFlags(
  raw: Record<string, unknown>,
): { ok: true; flags: DemoFlags } | { ok: false; problems: string[] } {
  const parsed = demoFlagsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, flags: parsed.data };

  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => `${flagName(issue.path)}: ${issue.message}`),
  };
}

function flagName(path: readonly PropertyKey[]): string {
  const key = String(path[0] ?? '');

  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}
