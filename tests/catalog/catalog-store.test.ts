import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type CatalogSnapshot, CatalogStore } from '../../src/catalog/catalog-store.js';
import { DocentError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import type { Artwork } from '../../src/tv/types.js';
import { captureLog, WARN } from '../thumbnails/log-capture.js';

function artwork(contentId: string, overrides: Partial<Artwork> = {}): Artwork {
  return {
    contentId,
    categoryId: 'MY-C0002',
    width: 3840,
    height: 2160,
    matteId: 'shadowbox_polar',
    portraitMatteId: 'flexible_polar',
    imageDate: '2025:05:20 01:53:44',
    contentType: 'mobile',
    ...overrides,
  };
}

function snapshot(count: number, overrides: Partial<CatalogSnapshot> = {}): CatalogSnapshot {
  return {
    artworks: Array.from({ length: count }, (_, i) => artwork(`MY_F${String(i).padStart(4, '0')}`)),
    mattes: { types: ['none', 'shadowbox'], colors: ['polar', 'black'] },
    current: {
      contentId: 'MY_F0000',
      categoryId: 'MY-C0002',
      matteId: 'none',
      portraitMatteId: null,
      contentType: null,
    },
    artMode: 'on',
    updatedAt: '2026-01-02T03:04:05.000Z',
    ...overrides,
  };
}

describe('CatalogStore', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'docent-catalog-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the catalog in <dataDir>/tvs/<tvId>/catalog.json', () => {
    const store = new CatalogStore({ dataDir, tvId: 'living-room' }, { logger: silentLogger() });

    expect(store.filePath).toBe(path.join(dataDir, 'tvs', 'living-room', 'catalog.json'));
  });

  it('loads back exactly what it saved', async () => {
    const store = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });
    const saved = snapshot(3, {
      artworks: [artwork('MY_F0001', { width: null, imageDate: null })],
    });

    await store.save(saved);
    const again = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });

    expect(await again.load()).toEqual(saved);
  });

  it('round-trips empty and unknown state', async () => {
    const store = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });
    const saved = snapshot(0, { mattes: null, current: null, artMode: null });

    await store.save(saved);

    expect(await store.load()).toEqual(saved);
  });

  it('loads null when nothing was saved yet', async () => {
    const store = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });

    expect(await store.load()).toBeNull();
  });

  it.each([
    ['not JSON', '{"version": 1, "artworks": ['],
    ['the wrong shape', JSON.stringify({ version: 1, tvId: 'frame', artworks: [{ id: 1 }] })],
    ['a future version', JSON.stringify({ ...snapshot(1), version: 2, tvId: 'frame' })],
    ['another TV', JSON.stringify({ ...snapshot(1), version: 1, tvId: 'bedroom' })],
  ])('treats a file holding %s as absent and logs it', async (_what, content) => {
    const { logger, records } = captureLog();
    const store = new CatalogStore({ dataDir, tvId: 'frame' }, { logger });
    await mkdir(path.dirname(store.filePath), { recursive: true });
    await writeFile(store.filePath, content);

    expect(await store.load()).toBeNull();
    const warning = records.find((r) => r.level === WARN && r.component === 'catalog');
    expect(warning?.path).toBe(store.filePath);
  });

  it('replaces a corrupt file on the next save', async () => {
    const store = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });
    await mkdir(path.dirname(store.filePath), { recursive: true });
    await writeFile(store.filePath, '\u0000\u0000garbage');

    await store.save(snapshot(2));

    expect((await store.load())?.artworks).toHaveLength(2);
  });

  it('never lets a reader see a half-written file', async () => {
    const store = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });
    const reader = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });
    await store.save(snapshot(1));

    let writing = true;
    const sizesSeen = new Set<number>();
    const readLoop = (async () => {
      while (writing) {
        const loaded = await reader.load();
        if (loaded === null) throw new Error('reader saw an unusable catalog');
        sizesSeen.add(loaded.artworks.length);
      }
    })();
    for (let round = 0; round < 15; round += 1) {
      await store.save(snapshot(round % 2 === 0 ? 1500 : 10));
    }
    writing = false;
    await readLoop;

    expect(sizesSeen.size).toBeGreaterThan(0);
    expect(await readdir(path.dirname(store.filePath))).toEqual(['catalog.json']);
  });

  it('lets the newest of overlapping saves win', async () => {
    const store = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });

    const saves = [1, 2, 3, 4, 5].map((count) => store.save(snapshot(count)));
    await Promise.all(saves);
    await store.flush();

    expect((await store.load())?.artworks).toHaveLength(5);
  });

  it('is not affected by changes to the snapshot after save is called', async () => {
    const store = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });
    const saved = snapshot(2);

    const pending = store.save(saved);
    saved.artworks.pop();
    await pending;

    expect((await store.load())?.artworks).toHaveLength(2);
  });

  it('fails a save it cannot write with a transient CATALOG_WRITE_FAILED and leaves no temp file', async () => {
    const store = new CatalogStore({ dataDir, tvId: 'frame' }, { logger: silentLogger() });
    // A directory where the file should be makes the final rename fail.
    await mkdir(store.filePath, { recursive: true });

    const failure = await store.save(snapshot(1)).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(DocentError);
    expect(failure).toMatchObject({ code: 'CATALOG_WRITE_FAILED', transient: true });
    expect(await readdir(path.dirname(store.filePath))).toEqual(['catalog.json']);
  });

  it('keeps a hostile tv id inside the data directory', async () => {
    const store = new CatalogStore({ dataDir, tvId: '../../escape' }, { logger: silentLogger() });

    await store.save(snapshot(1));

    expect(path.dirname(path.dirname(store.filePath))).toBe(path.join(dataDir, 'tvs'));
    expect(await readdir(path.join(dataDir, 'tvs'))).toHaveLength(1);
    expect(JSON.parse(await readFile(store.filePath, 'utf8')).tvId).toBe('../../escape');
  });
});
