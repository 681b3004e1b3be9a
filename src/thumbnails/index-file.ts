import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Logger } from '../log.js';

const indexEntrySchema = z.object({
  /** `thumbnailHash` of the file's bytes. */
  hash: z.string().regex(/^[0-9a-f]{16}$/),
  size: z.number().int().nonnegative(),
  mtime_ms: z.number().nonnegative(),
});

const indexSchema = z.object({
  version: z.literal(1),
  /** By file name inside the thumbnail folder. */
  entries: z.record(z.string(), indexEntrySchema),
});

export type IndexEntry = z.infer<typeof indexEntrySchema>;
export type ThumbnailIndex = z.infer<typeof indexSchema>;

export function emptyIndex(): ThumbnailIndex {
  return { version: 1, entries: {} };
}

/**
 * The saved thumbnail index, or an empty one when it is missing or does not parse (every
 * thumbnail is then read once and the index written anew). Never throws.
 */
export async function readThumbnailIndex(filePath: string, log: Logger): Promise<ThumbnailIndex> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn({ err, path: filePath }, 'thumbnail index unreadable; reading every thumbnail');
    }
    return emptyIndex();
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = indexSchema.safeParse(json);
  if (!parsed.success) {
    log.warn({ path: filePath }, 'thumbnail index damaged; reading every thumbnail');
    return emptyIndex();
  }

  return parsed.data;
}

/** Writes the index atomically; a failure is logged (the next start reads the files). */
export async function writeThumbnailIndex(
  filePath: string,
  index: ThumbnailIndex,
  log: Logger,
): Promise<void> {
  try {
    await writeFileAtomic(filePath, JSON.stringify(index));
  } catch (err) {
    log.warn({ err, path: filePath }, 'thumbnail index not saved');
  }
}
