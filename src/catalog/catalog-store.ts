import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import { encodeSafeName } from '../thumbnails/safe-name.js';
import {
  CATALOG_FILE_VERSION,
  type CatalogFile,
  type CatalogSnapshot,
  catalogFileSchema,
  copySnapshot,
} from './snapshot.js';

export type { CatalogSnapshot } from './snapshot.js';

export interface CatalogStoreOptions {
  /** Docent's data directory; the file lives in `<dataDir>/tvs/<tvId>/catalog.json`. */
  dataDir: string;
  tvId: string;
}

export interface CatalogStoreDeps {
  logger: Logger;
}

interface PendingSave {
  snapshot: CatalogSnapshot;
  waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

/**
 * Persists one TV's catalogue so it can be published at start before the TV answers
 * (architecture rule 7). Writes go to a temp file that is renamed into place (rule 8), so a
 * crash leaves either the old file or the new one. A file that cannot be read back as a
 * catalogue is logged and treated as absent; the next save replaces it.
 */
export class CatalogStore {
  /** Where the catalogue is kept. */
  readonly filePath: string;

  private readonly tvId: string;
  private readonly log: Logger;
  /** The newest snapshot waiting to be written; older unwritten ones are dropped for it. */
  private pending: PendingSave | null = null;
  private writing: Promise<void> | null = null;

  constructor(options: CatalogStoreOptions, deps: CatalogStoreDeps) {
    this.tvId = options.tvId;
    this.filePath = path.join(options.dataDir, 'tvs', encodeSafeName(options.tvId), 'catalog.json');
    this.log = deps.logger.child({ component: 'catalog' });
  }

  /** The saved catalogue, or null when there is none or it cannot be used. Never throws. */
  async load(): Promise<CatalogSnapshot | null> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (err) {
      if (isNotFound(err)) {
        this.log.debug({ path: this.filePath }, 'no saved catalog');
        return null;
      }
      this.log.error({ err, path: this.filePath }, 'saved catalog unreadable');
      return null;
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      this.log.warn({ err, path: this.filePath }, 'saved catalog is not JSON, ignored');
      return null;
    }

    const parsed = catalogFileSchema.safeParse(json);
    if (!parsed.success) {
      this.log.warn(
        { path: this.filePath, issues: z.prettifyError(parsed.error).slice(0, 2000) },
        'saved catalog has an unexpected shape, ignored',
      );
      return null;
    }
    if (parsed.data.tvId !== this.tvId) {
      this.log.warn({ path: this.filePath }, 'saved catalog belongs to another tv, ignored');
      return null;
    }

    const { version: _version, tvId: _tvId, ...snapshot } = parsed.data;
    this.log.debug({ artworks: snapshot.artworks.length }, 'saved catalog loaded');

    return snapshot;
  }

  /**
   * Writes the snapshot atomically. Saves never overlap: one made while another is being
   * written waits, and of several waiting only the newest is written; every caller's promise
   * settles once a snapshot at least as new as its own is on disk (or that write failed, with
   * `CATALOG_WRITE_FAILED`, transient).
   */
  save(snapshot: CatalogSnapshot): Promise<void> {
    const copy = copySnapshot(snapshot);

    return new Promise((resolve, reject) => {
      if (this.pending) {
        this.pending.snapshot = copy;
        this.pending.waiters.push({ resolve, reject });
      } else {
        this.pending = { snapshot: copy, waiters: [{ resolve, reject }] };
      }
      this.writing ??= this.drain();
    });
  }

  /** Resolves when no save is pending or in progress (for shutdown). Never rejects. */
  async flush(): Promise<void> {
    while (this.writing) {
      await this.writing;
    }
  }

  /** Writes pending snapshots one after another; settles every waiter and never rejects. */
  private async drain(): Promise<void> {
    while (this.pending) {
      const batch = this.pending;
      this.pending = null;
      try {
        await this.write(batch.snapshot);
        for (const waiter of batch.waiters) waiter.resolve();
      } catch (err) {
        for (const waiter of batch.waiters) waiter.reject(err);
      }
    }
    this.writing = null;
  }

  private async write(snapshot: CatalogSnapshot): Promise<void> {
    const file: CatalogFile = { version: CATALOG_FILE_VERSION, tvId: this.tvId, ...snapshot };
    try {
      await mkdir(path.dirname(this.filePath), { recursive: true });
      await writeFileAtomic(this.filePath, `${JSON.stringify(file, null, 2)}\n`);
    } catch (err) {
      this.log.error({ err, path: this.filePath }, 'catalog save failed');
      throw new DocentError('CATALOG_WRITE_FAILED', 'could not save the catalog', {
        cause: err,
        transient: true,
      });
    }

    this.log.debug({ artworks: snapshot.artworks.length }, 'catalog saved');
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}
