import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Sharp, SharpOptions } from 'sharp';
import writeFileAtomic from 'write-file-atomic';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  emptyIndex,
  type IndexEntry,
  readThumbnailIndex,
  type ThumbnailIndex,
  writeThumbnailIndex,
} from './index-file.js';
import { decodeSafeName, encodeSafeName } from './safe-name.js';

type SharpFactory = (input: Buffer, options?: SharpOptions) => Sharp;
let sharpLoading: Promise<SharpFactory> | null = null;

/**
 * sharp (libvips) is loaded on the first resize, not at start: a warm start publishes from the
 * cache without it. Thumbnails are small and made one at a time, so libvips' operation cache and
 * thread pool would only hold memory (tens of MB at 5,000 artworks) for no speed that matters.
 */
function loadSharp(): Promise<SharpFactory> {
  sharpLoading ??= import('sharp').then(({ default: sharp }) => {
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });

  return sharpLoading;
}

export interface ThumbnailCacheOptions {
  /** Usually `<dataDir>/tvs/<tvId>/thumbnails`; created by `start()`. */
  dir: string;
  /** Stored thumbnails are at most this wide; default 320. */
  maxWidthPx?: number;
  /** JPEG quality of stored thumbnails; default 80. */
  jpegQuality?: number;
}

export interface ThumbnailCacheDeps {
  logger: Logger;
}

export interface StoredThumbnail {
  /** The JPEG as stored on disk. */
  data: Buffer;
  /** See {@link thumbnailHash}. */
  hash: string;
}

const DEFAULT_MAX_WIDTH_PX = 320;
const DEFAULT_JPEG_QUALITY = 80;
const EXTENSION = '.jpg';
/** Temp files write-file-atomic leaves behind when the process dies mid-write. */
const ATOMIC_TEMP_FILE = /\.jpg\.\d+$/;
/** Files looked at in parallel while indexing. */
const INDEX_PARALLELISM = 32;
/** How long index changes wait before they are written (many thumbnails arrive in a burst). */
const INDEX_SAVE_DELAY_MS = 1_000;

/** First 16 hex digits of the SHA-256 of the stored JPEG: enough to tell versions apart. */
export function thumbnailHash(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/**
 * Small JPEG thumbnails of one TV's artworks on disk, one `<safe content id>.jpg` per artwork
 * (content ids are encoded by `encodeSafeName`, so none can name a path outside `dir`).
 * Keeps an in-memory index (content id → hash) so `has`, `hashOf` and `missing` need no disk,
 * and persists it beside the folder (`<dir>-index.json`, with each file's size and mtime) so a
 * restart reads only the files that changed: a warm start with thousands of thumbnails
 * publishes without reading them all first.
 */
export class ThumbnailCache {
  private readonly dir: string;
  private readonly maxWidthPx: number;
  private readonly jpegQuality: number;
  private readonly log: Logger;
  private readonly hashes = new Map<string, string>();
  private readonly indexPath: string;
  private index: ThumbnailIndex = emptyIndex();
  private indexTimer: NodeJS.Timeout | null = null;
  private indexWrite: Promise<void> = Promise.resolve();

  constructor(options: ThumbnailCacheOptions, deps: ThumbnailCacheDeps) {
    this.dir = path.resolve(options.dir);
    this.indexPath = `${this.dir}-index.json`;
    this.maxWidthPx = options.maxWidthPx ?? DEFAULT_MAX_WIDTH_PX;
    this.jpegQuality = options.jpegQuality ?? DEFAULT_JPEG_QUALITY;
    this.log = deps.logger.child({ component: 'thumbnails' });
  }

  /**
   * Creates the folder and indexes the thumbnails already in it. Files that are not plainly
   * JPEGs (truncated, empty) are removed, as are temp files of interrupted writes; stray
   * files with other names are left alone.
   */
  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.hashes.clear();

    const saved = await readThumbnailIndex(this.indexPath, this.log);
    this.index = emptyIndex();
    const names = await readdir(this.dir);
    let read = 0;
    for (let i = 0; i < names.length; i += INDEX_PARALLELISM) {
      const batch = names.slice(i, i + INDEX_PARALLELISM);
      const outcomes = await Promise.all(batch.map((name) => this.indexFile(name, saved)));
      read += outcomes.filter((outcome) => outcome === 'read').length;
    }
    if (read > 0 || Object.keys(saved.entries).length !== this.hashes.size)
      this.scheduleIndexSave(0);

    this.log.info({ thumbnails: this.hashes.size, read, dir: this.dir }, 'thumbnail cache indexed');
  }

  /** Writes the index now if a change is pending; call before the process ends. */
  async flush(): Promise<void> {
    if (this.indexTimer) {
      clearTimeout(this.indexTimer);
      this.indexTimer = null;
      this.saveIndex();
    }
    await this.indexWrite;
  }

  has(contentId: string): boolean {
    return this.hashes.has(contentId);
  }

  hashOf(contentId: string): string | null {
    return this.hashes.get(contentId) ?? null;
  }

  /**
   * The stored JPEG, or null when there is none (or it vanished from disk, or it was damaged
   * behind Docent's back: then it is removed, and the next sync fetches it again).
   */
  async read(contentId: string): Promise<Buffer | null> {
    if (!this.hashes.has(contentId)) return null;

    const fileName = this.fileNameOf(contentId);
    const data = await this.readStored(fileName);
    if (data !== null && looksLikeJpeg(data)) return data;

    this.forget(fileName, contentId);
    if (data !== null) await this.removeFile(fileName, 'damaged thumbnail removed');

    return null;
  }

  /**
   * Shrinks `raw` (any format sharp reads) to at most `maxWidthPx` wide, keeping the aspect
   * and never enlarging, turned upright by its EXIF orientation (a TV has sent thumbnails
   * rotated, frame-protocol.md §4.2 NW#13), re-encoded as JPEG without metadata, and stores
   * it atomically. Bytes that are not a readable image (the TV sends 0 bytes for uncached
   * Art Store items, §7 Q7) fail with `THUMBNAIL_INVALID` and nothing is written.
   */
  async put(contentId: string, raw: Buffer): Promise<StoredThumbnail> {
    const fileName = this.fileNameOf(contentId);
    const data = await this.shrink(contentId, raw);
    const hash = thumbnailHash(data);

    const filePath = path.join(this.dir, fileName);
    await writeFileAtomic(filePath, data);
    this.hashes.set(contentId, hash);
    const written = await stat(filePath);
    this.index.entries[fileName] = { hash, size: written.size, mtime_ms: written.mtimeMs };
    this.scheduleIndexSave();
    this.log.debug({ contentId, bytes: data.length, hash }, 'thumbnail stored');

    return { data, hash };
  }

  async remove(contentId: string): Promise<void> {
    const fileName = this.fileNameOf(contentId);
    this.forget(fileName, contentId);
    await rm(path.join(this.dir, fileName), { force: true });
  }

  /** Content ids with a stored thumbnail, sorted. */
  list(): string[] {
    return [...this.hashes.keys()].sort();
  }

  /** The given ids that have no stored thumbnail, in the given order (repeats kept). */
  missing(contentIds: string[]): string[] {
    return contentIds.filter((contentId) => !this.hashes.has(contentId));
  }

  /**
   * Indexes one directory entry: from the saved index when its size and mtime still match,
   * else by reading it. Removes leftovers of interrupted writes and damaged files.
   */
  private async indexFile(
    name: string,
    saved: ThumbnailIndex,
  ): Promise<'indexed' | 'read' | 'skipped'> {
    if (ATOMIC_TEMP_FILE.test(name)) {
      await this.removeFile(name, 'interrupted thumbnail write removed');
      return 'skipped';
    }
    const contentId = name.endsWith(EXTENSION) ? decodeSafeName(name.slice(0, -4)) : null;
    if (contentId === null) return 'skipped';

    const filePath = path.join(this.dir, name);
    const info = await stat(filePath).catch(() => null);
    if (info === null) return 'skipped';
    const known: IndexEntry | undefined = saved.entries[name];
    if (known && known.size === info.size && known.mtime_ms === info.mtimeMs) {
      this.hashes.set(contentId, known.hash);
      this.index.entries[name] = known;
      return 'indexed';
    }

    const data = await this.readStored(name);
    if (data === null) return 'skipped';
    if (!looksLikeJpeg(data)) {
      await this.removeFile(name, 'damaged thumbnail removed');
      return 'skipped';
    }
    const hash = thumbnailHash(data);
    this.hashes.set(contentId, hash);
    this.index.entries[name] = { hash, size: info.size, mtime_ms: info.mtimeMs };

    return 'read';
  }

  private forget(fileName: string, contentId: string): void {
    this.hashes.delete(contentId);
    if (fileName in this.index.entries) {
      delete this.index.entries[fileName];
      this.scheduleIndexSave();
    }
  }

  private scheduleIndexSave(delayMs = INDEX_SAVE_DELAY_MS): void {
    if (this.indexTimer) return;
    this.indexTimer = setTimeout(() => {
      this.indexTimer = null;
      this.saveIndex();
    }, delayMs);
    this.indexTimer.unref();
  }

  private saveIndex(): void {
    const snapshot: ThumbnailIndex = { version: 1, entries: { ...this.index.entries } };
    this.indexWrite = this.indexWrite.then(() =>
      writeThumbnailIndex(this.indexPath, snapshot, this.log),
    );
  }

  private async shrink(contentId: string, raw: Buffer): Promise<Buffer> {
    if (raw.length === 0) {
      throw new DocentError('THUMBNAIL_INVALID', 'thumbnail is empty');
    }

    const sharp = await loadSharp();
    try {
      return await sharp(raw)
        .rotate()
        .resize({ width: this.maxWidthPx, withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: this.jpegQuality })
        .toBuffer();
    } catch (err) {
      this.log.debug({ err, contentId, bytes: raw.length }, 'thumbnail bytes unreadable');
      throw new DocentError('THUMBNAIL_INVALID', 'thumbnail is not a readable image', {
        cause: err,
      });
    }
  }

  /** The file name for a content id, checked to stay directly inside `dir`. */
  private fileNameOf(contentId: string): string {
    let fileName: string;
    try {
      fileName = `${encodeSafeName(contentId)}${EXTENSION}`;
    } catch (err) {
      throw new DocentError('THUMBNAIL_ID_INVALID', 'content id cannot name a thumbnail', {
        cause: err,
      });
    }
    // Belt and braces: the encoding already rules out separators and dots.
    if (path.dirname(path.resolve(this.dir, fileName)) !== this.dir) {
      throw new DocentError('THUMBNAIL_ID_INVALID', 'content id would leave the thumbnail folder');
    }

    return fileName;
  }

  private async readStored(fileName: string): Promise<Buffer | null> {
    try {
      return await readFile(path.join(this.dir, fileName));
    } catch (err) {
      if (!isNotFound(err)) this.log.warn({ err, file: fileName }, 'thumbnail unreadable');
      return null;
    }
  }

  private async removeFile(fileName: string, message: string): Promise<void> {
    this.log.warn({ file: fileName }, message);
    await rm(path.join(this.dir, fileName), { force: true });
  }
}

/** Start-of-image at the front and end-of-image at the back: catches empty and cut files. */
function looksLikeJpeg(data: Buffer): boolean {
  return (
    data.length >= 4 &&
    data[0] === 0xff &&
    data[1] === 0xd8 &&
    data[data.length - 2] === 0xff &&
    data[data.length - 1] === 0xd9
  );
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}
