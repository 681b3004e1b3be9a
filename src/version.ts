import { createRequire } from 'node:module';
import { z } from 'zod';

// src/version.ts and dist/version.js both sit one level below package.json.
const pkg = z
  .object({ version: z.string() })
  .parse(createRequire(import.meta.url)('../package.json'));

/** Docent's version, as in package.json. */
export const VERSION: string = pkg.version;
