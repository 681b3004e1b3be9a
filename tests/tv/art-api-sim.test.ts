import { silentLogger } from '../../src/log.js';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { FrameArtApi } from '../../src/tv/art-api.js';
import { FrameConnection } from '../../src/tv/connection.js';
import { TvRequestError } from '../../src/tv/errors.js';
import { MemoryTokenStore } from '../../src/tv/token-store.js';
import { FAST_BACKOFF, waitForState } from './helpers.js';

describe('FrameArtApi against the simulated Frame', () => {
  let sim: SimulatedFrame;
  let conn: FrameConnection;
  let api: FrameArtApi;

  beforeAll(async () => {
    sim = await startSimulatedFrame({ artworks: 40, latency: 'none' });
  });

  afterAll(async () => {
    await sim.stop();
  });

  beforeEach(async () => {
    conn = new FrameConnection(
      {
        tvId: 'tv',
        host: sim.host,
        port: sim.securePort,
        secure: true,
        backoff: FAST_BACKOFF,
        requestTimeoutMs: 2000,
      },
      { logger: silentLogger(), tokenStore: new MemoryTokenStore() },
    );
    conn.start();
    await waitForState(conn, 'ready');
    api = new FrameArtApi(conn);
  });

  afterEach(async () => {
    await conn.stop();
  });

  it('reads the API version', async () => {
    await expect(api.getApiVersion()).resolves.toBe('4.3.4.0');
  });

  it('reads and sets art mode, confirmed by reply or broadcast', async () => {
    await api.setArtMode(false);
    await expect(api.getArtModeStatus()).resolves.toBe('off');
    expect(sim.state().artMode).toBe('off');

    await api.setArtMode(true);

    await expect(api.getArtModeStatus()).resolves.toBe('on');
    expect(sim.state().artMode).toBe('on');
  });

  it('lists every artwork with numbers parsed from the nested content list', async () => {
    const artworks = await api.getContentList();

    expect(artworks.map((a) => a.contentId).sort()).toEqual([...sim.contentIds()].sort());
    for (const artwork of artworks) {
      expect(artwork.categoryId).not.toBe('');
      expect(typeof artwork.width === 'number' || artwork.width === null).toBe(true);
    }
    expect(artworks.some((a) => typeof a.width === 'number' && a.width > 0)).toBe(true);
  });

  it('filters the content list by category', async () => {
    const all = await api.getContentList();
    const category = all[0]?.categoryId ?? 'MY-C0002';

    const filtered = await api.getContentList(category);

    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((a) => a.categoryId === category)).toBe(true);
  });

  it('selects an artwork and reads it back as the current artwork', async () => {
    const target = sim.contentIds()[3] ?? '';

    await api.selectImage(target);
    const current = await api.getCurrentArtwork();

    expect(current.contentId).toBe(target);
    expect(sim.state().currentContentId).toBe(target);
  });

  it('lists matte types and colours', async () => {
    const mattes = await api.getMatteList();

    expect(mattes.types).toContain('shadowbox');
    expect(mattes.colors).toContain('polar');
  });

  it('changes the matte of an artwork', async () => {
    const artworks = await api.getContentList();
    const landscape = artworks.find((a) => (a.width ?? 0) > (a.height ?? 0));
    if (!landscape) throw new Error('simulator has no landscape artwork');
    await api.selectImage(landscape.contentId);

    await api.changeMatte(landscape.contentId, 'modernthin_seafoam');

    expect((await api.getCurrentArtwork()).matteId).toBe('modernthin_seafoam');
  });

  it('surfaces the TV refusing a matte as TvRequestError -7', async () => {
    const target = sim.contentIds()[0] ?? '';

    const failure = api.changeMatte(target, 'no_such_matte');

    await expect(failure).rejects.toBeInstanceOf(TvRequestError);
    await expect(failure).rejects.toMatchObject({ tvErrorCode: '-7', request: 'change_matte' });
  });

  it('sets and reads the slideshow', async () => {
    const set = await api.setSlideshowStatus({ value: 15, categoryId: 'MY-C0002', shuffle: true });
    const read = await api.getSlideshowStatus();

    expect(set).toEqual({ value: '15', categoryId: 'MY-C0002', type: 'shuffleslideshow' });
    expect(read).toEqual(set);
    expect(sim.state().slideshow).toMatchObject({ value: '15', type: 'shuffleslideshow' });

    await api.setSlideshowStatus({ value: 'off', categoryId: 'MY-C0002', shuffle: false });
    await expect(api.getSlideshowStatus()).resolves.toMatchObject({ value: 'off' });
  });

  it('fetches 20 thumbnails byte-equal to what the TV holds', async () => {
    const ids = sim.contentIds().slice(0, 20);

    const files = await api.getThumbnails(ids, { timeoutMs: 5000 });

    expect(files.map((f) => f.contentId)).toEqual(ids);
    for (const file of files) {
      const expected = await sim.thumbnailOf(file.contentId);
      expect(file.data.equals(expected)).toBe(true);
      expect(file.fileType).toMatch(/^(jpg|png)$/);
    }
    expect(sim.counters().thumbnailsSent).toBeGreaterThanOrEqual(20);
  });

  it('returns no thumbnails for an empty list without asking the TV', async () => {
    const before = sim.counters().requests.get_thumbnail_list ?? 0;

    await expect(api.getThumbnails([], { timeoutMs: 1000 })).resolves.toEqual([]);

    expect(sim.counters().requests.get_thumbnail_list ?? 0).toBe(before);
  });
});
