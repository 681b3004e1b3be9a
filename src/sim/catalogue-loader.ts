import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { type Artwork, formatImageDate, MY_PHOTOS_CATEGORY, uploadId } from './catalogue.js';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

/**
 * A catalogue from a folder of real images: one `MY_F####` upload per readable JPEG/PNG, sizes
 * from the file, newest (by modification time) first like the TV's lists. Unreadable files are
 * skipped. Thumbnails are then made from the images themselves.
 */
export async function loadCatalogueFolder(folder: string): Promise<Artwork[]> {
  const names = (await readdir(folder)).filter((name) =>
    IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase()),
  );
  const found: Array<{ file: string; width: number; height: number; mtimeMs: number }> = [];
  for (const name of names.sort()) {
    const file = path.join(folder, name);
    const meta = await sharp(file)
      .metadata()
      .catch(() => undefined);
    if (!meta?.width || !meta.height) continue;
    const rotated = (meta.orientation ?? 1) >= 5;
    const { mtimeMs } = await stat(file);
    found.push({
      file,
      width: rotated ? meta.height : meta.width,
      height: rotated ? meta.width : meta.height,
      mtimeMs,
    });
  }
  found.sort((a, b) => b.mtimeMs - a.mtimeMs);

  return found.map((item, index) => ({
    contentId: uploadId(found.length - index, found.length),
    categoryId: MY_PHOTOS_CATEGORY,
    width: item.width,
    height: item.height,
    matteId: 'none',
    portraitMatteId: 'none',
    imageDate: formatImageDate(new Date(item.mtimeMs)),
    contentType: 'mobile',
    sourcePath: item.file,
  }));
}
