import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { DocentError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { ThumbnailCache, thumbnailHash } from '../../src/thumbnails/cache.js';
import { makeJpeg, sizeOf } from './images.js';
import { captureLog, type LogRecord, WARN } from './log-capture.js';

describe('ThumbnailCache', () => {
  let root: string;
  let dir: string;
  let caches: ThumbnailCache[] = [];

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'docent-thumbs-'));
    dir = path.join(root, 'tvs', 'frame', 'thumbnails');
  });

  afterEach(async () => {
    await Promise.all(caches.map((cache) => cache.flush()));
    caches = [];
    await rm(root, { recursive: true, force: true });
  });

  async function startedCache(
    maxWidthPx?: number,
    logger = silentLogger(),
  ): Promise<ThumbnailCache> {
    const cache = new ThumbnailCache({ dir, maxWidthPx }, { logger });
    caches.push(cache);
    await cache.start();

    return cache;
  }

  it('creates its folder on start', async () => {
    await startedCache();

    expect(await readdir(dir)).toEqual([]);
  });

  it('shrinks a 4K JPEG to at most 320 wide, keeping the aspect', async () => {
    const cache = await startedCache();

    const { data } = await cache.put('MY_F0001', await makeJpeg(3840, 2160));

    expect(await sizeOf(data)).toEqual({ width: 320, height: 180, format: 'jpeg' });
    expect(await readFile(path.join(dir, 'MY_F0001.jpg'))).toEqual(data);
  });

  it('keeps a portrait image portrait', async () => {
    const cache = await startedCache();

    const { data } = await cache.put('MY_F0002', await makeJpeg(2880, 3840));

    expect(await sizeOf(data)).toEqual({ width: 320, height: 427, format: 'jpeg' });
  });

  it('never enlarges a small image', async () => {
    const cache = await startedCache();

    const { data } = await cache.put('MY_F0003', await makeJpeg(200, 120));

    expect(await sizeOf(data)).toMatchObject({ width: 200, height: 120 });
  });

  it('honours a configured maximum width', async () => {
    const cache = await startedCache(160);

    const { data } = await cache.put('MY_F0001', await makeJpeg(3840, 2160));

    expect((await sizeOf(data)).width).toBe(160);
  });

  it('stores a PNG from the TV as JPEG', async () => {
    const cache = await startedCache();
    const png = await sharp({
      create: {
        width: 640,
        height: 480,
        channels: 4,
        background: { r: 0, g: 0, b: 0, alpha: 0.5 },
      },
    })
      .png()
      .toBuffer();

    const { data } = await cache.put('MY_F0004', png);

    expect(await sizeOf(data)).toEqual({ width: 320, height: 240, format: 'jpeg' });
  });

  it('strips metadata from what it stores', async () => {
    const cache = await startedCache();
    const withExif = await sharp(await makeJpeg(800, 600))
      .withExif({ IFD0: { Copyright: 'someone' } })
      .jpeg()
      .toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();

    const { data } = await cache.put('MY_F0005', withExif);

    expect((await sharp(data).metadata()).exif).toBeUndefined();
  });

  it('gives a stable hash of the stored JPEG', async () => {
    const cache = await startedCache();
    const raw = await makeJpeg(1920, 1080);

    const first = await cache.put('MY_F0001', raw);
    const second = await cache.put('MY_F0001', raw);
    const other = await cache.put('MY_F0002', await makeJpeg(1920, 1080, '#aa3300'));

    expect(first.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(second.hash).toBe(first.hash);
    expect(first.hash).toBe(thumbnailHash(first.data));
    expect(cache.hashOf('MY_F0001')).toBe(first.hash);
    expect(other.hash).not.toBe(first.hash);
  });

  it('re-indexes what is on disk after a restart', async () => {
    const before = await startedCache();
    const a = await before.put('MY_F0001', await makeJpeg(1000, 500));
    const b = await before.put('SAM-F0206', await makeJpeg(500, 1000, '#ffcc00'));

    const after = await startedCache();

    expect(after.list()).toEqual(['MY_F0001', 'SAM-F0206']);
    expect(after.hashOf('MY_F0001')).toBe(a.hash);
    expect(after.hashOf('SAM-F0206')).toBe(b.hash);
    expect(await after.read('SAM-F0206')).toEqual(b.data);
  });

  it('drops damaged files and leftovers of interrupted writes on restart', async () => {
    const before = await startedCache();
    const good = await before.put('MY_F0001', await makeJpeg(640, 480));
    await writeFile(path.join(dir, 'MY_F0002.jpg'), good.data.subarray(0, 100));
    await writeFile(path.join(dir, 'MY_F0003.jpg'), Buffer.alloc(0));
    await writeFile(path.join(dir, 'MY_F0001.jpg.123456789'), good.data.subarray(0, 50));
    await writeFile(path.join(dir, 'notes.txt'), 'left by a person');
    const { logger, records } = captureLog();

    const after = new ThumbnailCache({ dir }, { logger });
    await after.start();

    expect(after.list()).toEqual(['MY_F0001']);
    expect((await readdir(dir)).sort()).toEqual(['MY_F0001.jpg', 'notes.txt']);
    expect(records.filter((r) => r.level === WARN && r.component === 'thumbnails')).toHaveLength(3);
  });

  it('lists the ids without a thumbnail in the order given', async () => {
    const cache = await startedCache();
    await cache.put('MY_F0002', await makeJpeg(64, 64));

    expect(cache.missing(['MY_F0003', 'MY_F0002', 'MY_F0001'])).toEqual(['MY_F0003', 'MY_F0001']);
    expect(cache.has('MY_F0002')).toBe(true);
    expect(cache.has('MY_F0001')).toBe(false);
  });

  it('forgets and deletes a removed thumbnail', async () => {
    const cache = await startedCache();
    await cache.put('MY_F0001', await makeJpeg(64, 64));

    await cache.remove('MY_F0001');
    await cache.remove('MY_F0001');

    expect(cache.has('MY_F0001')).toBe(false);
    expect(cache.hashOf('MY_F0001')).toBeNull();
    expect(await cache.read('MY_F0001')).toBeNull();
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads null for a thumbnail deleted behind its back', async () => {
    const cache = await startedCache();
    await cache.put('MY_F0001', await makeJpeg(64, 64));
    await rm(path.join(dir, 'MY_F0001.jpg'));

    expect(await cache.read('MY_F0001')).toBeNull();
    expect(cache.has('MY_F0001')).toBe(false);
  });

  it.each<[string, () => Promise<Buffer>]>([
    ['empty bytes', async () => Buffer.alloc(0)],
    ['text', async () => Buffer.from('SYSTEM_FAIL -1')],
    ['a cut-off JPEG', async () => (await makeJpeg(1920, 1080)).subarray(0, 2000)],
  ])('rejects %s with THUMBNAIL_INVALID and writes nothing', async (_what, makeBytes) => {
    const cache = await startedCache();

    const failure = await cache.put('MY_F0001', await makeBytes()).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(DocentError);
    expect(failure).toMatchObject({ code: 'THUMBNAIL_INVALID', transient: false });
    expect(cache.has('MY_F0001')).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the old thumbnail when a replacement is invalid', async () => {
    const cache = await startedCache();
    const good = await cache.put('MY_F0001', await makeJpeg(640, 480));

    await expect(cache.put('MY_F0001', Buffer.from('nope'))).rejects.toThrow(DocentError);

    expect(cache.hashOf('MY_F0001')).toBe(good.hash);
    expect(await cache.read('MY_F0001')).toEqual(good.data);
  });

  it.each([
    '../../etc',
    '../escape',
    '/etc/passwd',
    '..',
    '.',
    'a/b',
    'a\\b',
    'dot.ted',
    'ünï cödé',
  ])('keeps the hostile content id %p inside its folder and finds it again', async (contentId) => {
    const cache = await startedCache();

    await cache.put(contentId, await makeJpeg(64, 64));
    const names = await readdir(dir);

    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[A-Za-z0-9_%-]+\.jpg$/);
    expect(await readdir(root)).toEqual(['tvs']);
    const after = await startedCache();
    expect(after.list()).toEqual([contentId]);
  });

  it('refuses an empty content id', async () => {
    const cache = await startedCache();

    await expect(cache.put('', await makeJpeg(64, 64))).rejects.toMatchObject({
      code: 'THUMBNAIL_ID_INVALID',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  describe('its saved index', () => {
    const indexed = (records: LogRecord[]) =>
      records.find((r) => r.msg === 'thumbnail cache indexed') as
        | (LogRecord & { thumbnails: number; read: number })
        | undefined;

    it('lets a restart skip reading the files that did not change', async () => {
      const before = await startedCache();
      const a = await before.put('MY_F0001', await makeJpeg(640, 480));
      await before.put('MY_F0002', await makeJpeg(480, 640));
      await before.flush();

      const first = captureLog();
      const after = await startedCache(undefined, first.logger);
      expect(indexed(first.records)).toMatchObject({ thumbnails: 2, read: 0 });
      expect(after.hashOf('MY_F0001')).toBe(a.hash);

      // Replaced behind the cache's back (another size): read again, with its new hash.
      const replaced = await sharp(await makeJpeg(100, 100))
        .jpeg()
        .toBuffer();
      await writeFile(path.join(dir, 'MY_F0001.jpg'), replaced);
      const second = captureLog();
      const again = await startedCache(undefined, second.logger);

      expect(indexed(second.records)).toMatchObject({ thumbnails: 2, read: 1 });
      expect(again.hashOf('MY_F0001')).toBe(thumbnailHash(replaced));
    });

    it('reads every file when the index is damaged, and still knows them all', async () => {
      const before = await startedCache();
      const a = await before.put('MY_F0001', await makeJpeg(64, 64));
      await before.flush();
      await writeFile(`${dir}-index.json`, '{"version":1,"entries":{"MY_F0001.jpg":{"hash":');

      const { logger, records } = captureLog();
      const after = await startedCache(undefined, logger);

      expect(after.hashOf('MY_F0001')).toBe(a.hash);
      expect(indexed(records)).toMatchObject({ read: 1 });
      expect(records.some((r) => r.level === WARN && r.msg.startsWith('thumbnail index'))).toBe(
        true,
      );
    });

    it('forgets a thumbnail removed while the index was not yet written', async () => {
      const before = await startedCache();
      await before.put('MY_F0001', await makeJpeg(64, 64));
      await before.flush();
      await rm(path.join(dir, 'MY_F0001.jpg'));

      const after = await startedCache();

      expect(after.list()).toEqual([]);
    });
  });

  it('removes a thumbnail damaged behind its back when it is read, so a sync fetches it again', async () => {
    const cache = await startedCache();
    const good = await cache.put('MY_F0001', await makeJpeg(64, 64));
    await writeFile(path.join(dir, 'MY_F0001.jpg'), good.data.subarray(0, 40));

    expect(await cache.read('MY_F0001')).toBeNull();
    expect(cache.missing(['MY_F0001'])).toEqual(['MY_F0001']);
    expect(await readdir(dir)).toEqual([]);
  });
});
