/**
 * Which thumbnails the broker already holds for one TV, so a restart, a Home Assistant birth or
 * a broker reconnect does not send thousands of retained JPEGs again (75–150 MB at 5,000
 * artworks).
 *
 * The ledger (content id → content hash) is kept in the data dir under an `epoch`, and the same
 * epoch is published retained on `docent/<tv>/thumbnails`. Finding that epoch on the broker
 * means it kept what Docent published under it; a broker that lost its retained store (a
 * restart without persistence) answers nothing, and everything is published again under a new
 * epoch.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { encodeSafeName } from '../thumbnails/safe-name.js';

const fileSchema = z.object({
  version: z.literal(1),
  epoch: z.string().min(1),
  thumbnails: z.record(z.string(), z.string()),
});

/** The retained index payload: `{"epoch": "…", "count": 524}`. */
export const indexSchema = z.looseObject({ epoch: z.string().min(1) });

export class ThumbnailLedger {
  readonly filePath: string;
  private epochId: string = randomUUID();
  /** content id → hash, and when it was noted (`seq`), so a reconcile spares what came later. */
  private readonly published = new Map<string, { hash: string; seq: number }>();
  private seq = 0;
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    options: { dataDir: string; tvId: string },
    private readonly deps: { logger: Logger },
  ) {
    this.filePath = path.join(
      options.dataDir,
      'tvs',
      encodeSafeName(options.tvId),
      'thumbnails-published.json',
    );
  }

  get epoch(): string {
    return this.epochId;
  }

  get size(): number {
    return this.published.size;
  }

  /** Reads the ledger of an earlier run; a missing or broken file starts an empty one. */
  async load(): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(this.filePath, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.deps.logger.warn(
          { path: this.filePath },
          'thumbnail ledger unreadable, starting afresh',
        );
      }
      return;
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) {
      this.deps.logger.warn({ path: this.filePath }, 'thumbnail ledger invalid, starting afresh');
      return;
    }

    this.epochId = parsed.data.epoch;
    for (const [contentId, hash] of Object.entries(parsed.data.thumbnails)) {
      this.published.set(contentId, { hash, seq: 0 });
    }
  }

  /** Taken before the broker is asked; `reconcile` keeps what was published after it. */
  mark(): number {
    return this.seq;
  }

  /**
   * Compares the epoch the broker holds with the ledger's. When they differ the broker does not
   * hold what the ledger says: entries noted before `mark` are dropped under a new epoch (those
   * published since went to this broker). Returns whether the ledger was kept.
   */
  reconcile(brokerEpoch: string | null, mark: number): boolean {
    if (brokerEpoch === this.epochId) return true;

    this.epochId = randomUUID();
    for (const [contentId, entry] of this.published) {
      if (entry.seq <= mark) this.published.delete(contentId);
    }
    this.dirty = true;

    return false;
  }

  has(contentId: string, hash: string): boolean {
    return this.published.get(contentId)?.hash === hash;
  }

  note(contentId: string, hash: string): void {
    if (this.has(contentId, hash)) return;
    this.seq += 1;
    this.published.set(contentId, { hash, seq: this.seq });
    this.dirty = true;
  }

  forget(contentId: string): void {
    if (this.published.delete(contentId)) this.dirty = true;
  }

  /** Writes the ledger if it changed. Failures are logged; the next save tries again. */
  save(): Promise<void> {
    if (!this.dirty) return this.saving;
    this.dirty = false;
    const text = `${JSON.stringify({
      version: 1,
      epoch: this.epochId,
      thumbnails: Object.fromEntries([...this.published].map(([id, entry]) => [id, entry.hash])),
    })}\n`;
    this.saving = this.saving.then(async () => {
      try {
        await mkdir(path.dirname(this.filePath), { recursive: true });
        await writeFileAtomic(this.filePath, text);
      } catch (err) {
        this.dirty = true;
        this.deps.logger.warn({ err, path: this.filePath }, 'thumbnail ledger not saved');
      }
    });

    return this.saving;
  }
}
