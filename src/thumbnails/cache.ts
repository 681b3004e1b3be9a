import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import writeFileAtomic from 'write-file-atomic';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import { decodeSafeName, encodeSafeName } from './safe-name.js';

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

/** First 16 hex digits of the SHA-256 of the stored JPEG: enough to tell versions apart. */
export function thumbnailHash(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/**
 * Small JPEG thumbnails of one TV's artworks on disk, one `<safe content id>.jpg` per artwork
 * (content ids are encoded by `encodeSafeName`, so none can name a path outside `dir`).
 * Keeps an in-memory index (content id → hash) so `has`, `hashOf` and `missing` need no disk.
 */
export class ThumbnailCache {
  private readonly dir: string;
  private readonly maxWidthPx: number;
  private readonly jpegQuality: number;
  private readonly log: Logger;
  private readonly hashes = new Map<string, string>();

  constructor(options: ThumbnailCacheOptions, deps: ThumbnailCacheDeps) {
    this.dir = path.resolve(options.dir);
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

    const names = await readdir(this.dir);
    for (const name of names) {
      if (ATOMIC_TEMP_FILE.test(name)) {
        await this.removeFile(name, 'interrupted thumbnail write removed');
        continue;
      }
      const contentId = name.endsWith(EXTENSION) ? decodeSafeName(name.slice(0, -4)) : null;
      if (contentId === null) continue;

      const data = await this.readStored(name);
      if (data === null) continue;
      if (!looksLikeJpeg(data)) {
        await this.removeFile(name, 'damaged thumbnail removed');
        continue;
      }
      this.hashes.set(contentId, thumbnailHash(data));
    }

    this.log.info({ thumbnails: this.hashes.size, dir: this.dir }, 'thumbnail cache indexed');
  }

  has(contentId: string): boolean {
    return this.hashes.has(contentId);
  }

  hashOf(contentId: string): string | null {
    return this.hashes.get(contentId) ?? null;
  }

  /** The stored JPEG, or null when there is none (or it vanished from disk). */
  async read(contentId: string): Promise<Buffer | null> {
    if (!this.hashes.has(contentId)) return null;

    const data = await this.readStored(this.fileNameOf(contentId));
    if (data === null) this.hashes.delete(contentId);

    return data;
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

    await writeFileAtomic(path.join(this.dir, fileName), data);
    this.hashes.set(contentId, hash);
    this.log.debug({ contentId, bytes: data.length, hash }, 'thumbnail stored');

    return { data, hash };
  }

  async remove(contentId: string): Promise<void> {
    const fileName = this.fileNameOf(contentId);
    this.hashes.delete(contentId);
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

  private async shrink(contentId: string, raw: Buffer): Promise<Buffer> {
    if (raw.length === 0) {
      throw new DocentError('THUMBNAIL_INVALID', 'thumbnail is empty');
    }

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
