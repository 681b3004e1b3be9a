import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';

/** Where a TV's pairing token lives between runs. The token is a secret: never log it. */
export interface TokenStore {
  /** The saved token, or null when none was saved yet. */
  load(): Promise<string | null>;
  save(token: string): Promise<void>;
}

const tokenFileSchema = z.object({ token: z.string().min(1) });

/** Keeps the token in `<dataDir>/tvs/<tvId>/token.json`, mode 0600, written atomically. */
export class FileTokenStore implements TokenStore {
  readonly filePath: string;

  constructor(options: { dataDir: string; tvId: string }) {
    this.filePath = path.join(options.dataDir, 'tvs', options.tvId, 'token.json');
  }

  async load(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (err) {
      if (isMissingFile(err)) {
        return null;
      }
      throw new DocentError('TOKEN_READ_FAILED', `cannot read ${this.filePath}`, { cause: err });
    }

    const parsed = tokenFileSchema.safeParse(parseJsonOrUndefined(text));
    if (!parsed.success) {
      throw new DocentError('TOKEN_FILE_INVALID', `${this.filePath} does not hold a token`);
    }

    return parsed.data.token;
  }

  async save(token: string): Promise<void> {
    const text = `${JSON.stringify({ token })}\n`;
    await mkdir(path.dirname(this.filePath), { recursive: true, mode: 0o700 });

    await writeFileAtomic(this.filePath, text, { mode: 0o600 });
  }
}

/** Holds the token in memory only; for tests and one-off tools. */
export class MemoryTokenStore implements TokenStore {
  private token: string | null;

  constructor(token: string | null = null) {
    this.token = token;
  }

  async load(): Promise<string | null> {
    return this.token;
  }

  async save(token: string): Promise<void> {
    this.token = token;
  }
}

/** Loads the token; a broken store is logged (never the token) and reads as "no token". */
export async function loadTokenSafely(store: TokenStore, log: Logger): Promise<string | null> {
  try {
    return await store.load();
  } catch (err) {
    log.warn({ err }, 'tv token not loaded');
    return null;
  }
}

/** Saves the token; a failure is logged (never the token) and does not throw. */
export async function saveTokenSafely(
  store: TokenStore,
  log: Logger,
  token: string,
): Promise<void> {
  try {
    await store.save(token);
    log.info('tv token saved');
  } catch (err) {
    log.error({ err }, 'tv token not saved');
  }
}

const missingFileSchema = z.object({ code: z.literal('ENOENT') });

/** Checked by shape, not `instanceof`: fs errors may come from another realm (e.g. test VMs). */
function isMissingFile(err: unknown): boolean {
  return missingFileSchema.safeParse(err).success;
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
