import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { type ArtworkDescription, artworkDescriptionSchema } from './schema.js';
import { isNotFound } from './usage-budget.js';

const cacheEntrySchema = z.object({
  /** sha256 (hex) of the image bytes the description was made from. */
  image_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  model: z.string(),
  language: z.string(),
  described_at: z.string(),
  description: artworkDescriptionSchema,
});

export type CacheEntry = z.infer<typeof cacheEntrySchema>;

const cacheFileSchema = z.object({
  version: z.literal(1),
  /** Entries are checked one by one on load, so one bad entry does not cost the others. */
  descriptions: z.record(z.string(), z.unknown()),
});

/**
 * The descriptions of one TV's artworks, keyed by content id and checked against the image
 * hash, in one JSON file written atomically. Also indexed by image hash, so the same picture
 * under another content id is never sent twice.
 */
export class DescriptionCache {
  readonly filePath: string;

  private readonly log: Logger;
  private readonly entries = new Map<string, CacheEntry>();
  private readonly byHash = new Map<string, CacheEntry>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(options: { dir: string }, deps: { logger: Logger }) {
    this.filePath = path.join(options.dir, 'descriptions.json');
    this.log = deps.logger;
  }

  /** Reads the file; a missing or unreadable one starts empty and is replaced on the next save. */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (err) {
      if (!isNotFound(err)) this.log.warn({ err, path: this.filePath }, 'descriptions unreadable');
      return;
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.log.warn({ path: this.filePath }, 'descriptions file is not JSON, ignored');
      return;
    }
    const file = cacheFileSchema.safeParse(json);
    if (!file.success) {
      this.log.warn({ path: this.filePath }, 'descriptions file has an unexpected shape, ignored');
      return;
    }

    let dropped = 0;
    for (const [contentId, raw] of Object.entries(file.data.descriptions)) {
      const entry = cacheEntrySchema.safeParse(raw);
      if (entry.success) {
        this.index(contentId, entry.data);
      } else {
        dropped += 1;
      }
    }
    if (dropped > 0)
      this.log.warn({ dropped, path: this.filePath }, 'bad cached descriptions dropped');
    this.log.debug({ descriptions: this.entries.size }, 'cached descriptions loaded');
  }

  get(contentId: string): CacheEntry | null {
    return this.entries.get(contentId) ?? null;
  }

  /** A description made from exactly these image bytes, under any content id. */
  getByHash(imageSha256: string): CacheEntry | null {
    return this.byHash.get(imageSha256) ?? null;
  }

  /** Stores the entry and schedules a save; `flush` waits for it. */
  set(contentId: string, entry: CacheEntry): void {
    this.index(contentId, entry);
    this.scheduleSave();
  }

  async flush(): Promise<void> {
    await this.writing;
  }

  private index(contentId: string, entry: CacheEntry): void {
    this.entries.set(contentId, entry);
    this.byHash.set(entry.image_sha256, entry);
  }

  /** Saves never overlap; several changes while one save runs are written together after it. */
  private scheduleSave(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.writing = this.writing.then(() => this.write());
  }

  private async write(): Promise<void> {
    this.dirty = false;
    const descriptions: Record<string, CacheEntry> = {};
    for (const [contentId, entry] of this.entries) descriptions[contentId] = entry;

    try {
      await mkdir(path.dirname(this.filePath), { recursive: true });
      await writeFileAtomic(this.filePath, `${JSON.stringify({ version: 1, descriptions })}\n`);
    } catch (err) {
      // The entries stay in memory; the next description saves them all again.
      this.log.warn({ err, path: this.filePath }, 'descriptions not saved');
    }
  }
}

export type { ArtworkDescription };
