import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Logger } from '../log.js';
import type { DescriptionMeta } from './payload.js';
import { type ArtworkDescription, artworkDescriptionSchema } from './schema.js';
import { isNotFound } from './usage-budget.js';

const cacheEntrySchema = z.object({
  /** sha256 (hex) of the image bytes the description was made from. */
  image_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  model: z.string(),
  language: z.string(),
  described_at: z.string(),
  /**
   * `promptFingerprint` of the settings that wrote it. Absent in entries written before it was
   * recorded; the describer adopts those whose model and language still match.
   */
  prompt_fingerprint: z.string().optional(),
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
 * hash and the prompt fingerprint, in one JSON file written atomically. Also indexed by image
 * hash (per fingerprint), so the same picture under another content id is never sent twice.
 * One entry per content id: a description made with new settings replaces the old one.
 */
export class DescriptionCache {
  readonly filePath: string;

  private readonly log: Logger;
  private readonly fingerprint: string;
  private readonly entries = new Map<string, CacheEntry>();
  private readonly byHash = new Map<string, CacheEntry>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  /** `fingerprint`: `promptFingerprint` of today's settings; other entries are not served. */
  constructor(options: { dir: string; fingerprint: string }, deps: { logger: Logger }) {
    this.filePath = path.join(options.dir, 'descriptions.json');
    this.fingerprint = options.fingerprint;
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

  /** The entry for this content id, whatever settings wrote it. */
  get(contentId: string): CacheEntry | null {
    return this.entries.get(contentId) ?? null;
  }

  /** The entry for this content id if it was written with today's settings. */
  lookup(contentId: string): CacheEntry | null {
    const entry = this.entries.get(contentId);

    return entry?.prompt_fingerprint === this.fingerprint ? entry : null;
  }

  /**
   * The description of exactly these bytes with today's settings: this content id's own, or a
   * twin's (the same picture uploaded under another id), which is then stored for this id too.
   */
  find(contentId: string, imageSha256: string): { entry: CacheEntry; twin: boolean } | null {
    const own = this.lookup(contentId);
    if (own?.image_sha256 === imageSha256) return { entry: own, twin: false };

    const twin = this.byHash.get(hashKey(imageSha256, this.fingerprint));
    if (!twin) return null;
    this.set(contentId, { ...twin });

    return { entry: twin, twin: true };
  }

  /** Who wrote this content id's description (today's settings) and when; null when none. */
  meta(contentId: string): DescriptionMeta | null {
    const entry = this.lookup(contentId);
    if (!entry) return null;

    return {
      contentId,
      model: entry.model,
      language: entry.language,
      describedAt: entry.described_at,
    };
  }

  /** Content ids with a description made with today's settings. */
  contentIds(): string[] {
    const ids: string[] = [];
    for (const [contentId, entry] of this.entries) {
      if (entry.prompt_fingerprint === this.fingerprint) ids.push(contentId);
    }

    return ids;
  }

  /** Stores the entry and schedules a save; `flush` waits for it. */
  set(contentId: string, entry: CacheEntry): void {
    this.unindex(contentId);
    this.index(contentId, entry);
    this.scheduleSave();
  }

  /** Forgets the entry (the artwork left the TV); false when there was none. */
  delete(contentId: string): boolean {
    if (!this.entries.has(contentId)) return false;
    this.unindex(contentId);
    this.scheduleSave();

    return true;
  }

  /**
   * Stamps today's fingerprint on entries written before fingerprints were recorded, when
   * `accept` says they still fit, so an upgrade does not describe a whole catalogue again.
   */
  adoptUnfingerprinted(accept: (entry: CacheEntry) => boolean): number {
    let adopted = 0;
    for (const [contentId, entry] of [...this.entries]) {
      if (entry.prompt_fingerprint !== undefined || !accept(entry)) continue;
      this.set(contentId, { ...entry, prompt_fingerprint: this.fingerprint });
      adopted += 1;
    }

    return adopted;
  }

  async flush(): Promise<void> {
    await this.writing;
  }

  private index(contentId: string, entry: CacheEntry): void {
    this.entries.set(contentId, entry);
    if (entry.prompt_fingerprint !== undefined) {
      this.byHash.set(hashKey(entry.image_sha256, entry.prompt_fingerprint), entry);
    }
  }

  /** Removes the entry; its hash stays indexed while another content id has the same picture. */
  private unindex(contentId: string): void {
    const entry = this.entries.get(contentId);
    if (!entry) return;
    this.entries.delete(contentId);
    if (entry.prompt_fingerprint === undefined) return;

    const key = hashKey(entry.image_sha256, entry.prompt_fingerprint);
    if (this.byHash.get(key) !== entry) return;
    this.byHash.delete(key);
    for (const other of this.entries.values()) {
      if (other.prompt_fingerprint === undefined) continue;
      if (hashKey(other.image_sha256, other.prompt_fingerprint) === key) {
        this.byHash.set(key, other);
        return;
      }
    }
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

function hashKey(imageSha256: string, fingerprint: string): string {
  return `${fingerprint}:${imageSha256}`;
}

export type { ArtworkDescription };
