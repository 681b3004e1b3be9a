import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/log.js';
import { ThumbnailCache } from '../../src/thumbnails/cache.js';
import {
  type ChunkSizing,
  ThumbnailSync,
  type ThumbnailSyncProgress,
} from '../../src/thumbnails/sync.js';
import type { ThumbnailFile } from '../../src/tv/types.js';
import { makeJpeg, sizeOf } from './images.js';

/** Sizes to hand out in turn (the last repeats), and what was recorded. */
class ScriptedSizing implements ChunkSizing {
  readonly recorded: Array<[items: number, durationMs: number]> = [];
  private readonly sizes: number[];

  constructor(sizes: number[]) {
    this.sizes = [...sizes];
  }

  next(): number {
    return this.sizes.length > 1 ? (this.sizes.shift() ?? 1) : (this.sizes[0] ?? 1);
  }

  record(items: number, durationMs: number): void {
    this.recorded.push([items, durationMs]);
  }
}

type Behaviour = 'omit' | 'empty' | 'sinks-chunk' | 'twice' | 'brings-stranger';

/**
 * Stands in for the TV boundary: answers each chunk with real JPEGs made by sharp, except
 * for ids given a misbehaviour. Each chunk takes 100 ms per id on the fake clock.
 */
function fakeTv(behaviours: Record<string, Behaviour> = {}) {
  const clock = { nowMs: 0 };
  const calls: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let beforeReply: (ids: string[]) => void | Promise<void> = () => {};

  async function fetchChunk(contentIds: string[]): Promise<ThumbnailFile[]> {
    calls.push([...contentIds]);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      clock.nowMs += 100 * contentIds.length;
      await beforeReply(contentIds);
      if (contentIds.some((id) => behaviours[id] === 'sinks-chunk')) {
        throw new Error('art app error -1');
      }
      const files: ThumbnailFile[] = [];
      for (const contentId of contentIds) {
        const behaviour = behaviours[contentId];
        if (behaviour === 'omit') continue;
        const data = behaviour === 'empty' ? Buffer.alloc(0) : await makeJpeg(1280, 720);
        files.push({ contentId, fileType: 'jpg', data });
        if (behaviour === 'twice') files.push({ contentId, fileType: 'jpg', data });
        if (behaviour === 'brings-stranger') {
          files.push({ contentId: 'SAM-S9999', fileType: 'jpg', data: await makeJpeg(64, 64) });
        }
      }

      return files;
    } finally {
      inFlight -= 1;
    }
  }

  return {
    fetchChunk,
    calls,
    now: () => clock.nowMs,
    maxInFlight: () => maxInFlight,
    /** Runs (and is awaited) while a chunk is on the TV, before its reply. */
    onChunk(hook: (ids: string[]) => void | Promise<void>) {
      beforeReply = hook;
    },
  };
}

const ids = (count: number, from = 1) =>
  Array.from({ length: count }, (_, i) => `MY_F${String(from + i).padStart(4, '0')}`);

describe('ThumbnailSync', () => {
  let root: string;
  let dir: string;
  let cache: ThumbnailCache;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'docent-sync-'));
    dir = path.join(root, 'thumbnails');
    cache = new ThumbnailCache({ dir }, { logger: silentLogger() });
    await cache.start();
  });

  afterEach(async () => {
    await cache.flush();
    await rm(root, { recursive: true, force: true });
  });

  function makeSync(tv: ReturnType<typeof fakeTv>, sizing: ChunkSizing, extra = {}) {
    return new ThumbnailSync({
      cache,
      sizing,
      fetchChunk: tv.fetchChunk,
      logger: silentLogger(),
      now: tv.now,
      ...extra,
    });
  }

  it('fetches exactly the missing thumbnails, in order, and stores them small', async () => {
    await cache.put('MY_F0002', await makeJpeg(64, 64));
    await cache.put('MY_F0005', await makeJpeg(64, 64));
    const tv = fakeTv();
    const sync = makeSync(tv, new ScriptedSizing([10]));

    const result = await sync.run(ids(6));

    expect(tv.calls.flat()).toEqual(['MY_F0001', 'MY_F0003', 'MY_F0004', 'MY_F0006']);
    expect(result).toMatchObject({
      fetched: 4,
      failed: [],
      skipped: 2,
      remaining: 0,
      outcome: 'complete',
    });
    expect(cache.list()).toEqual(ids(6));
    const stored = await cache.read('MY_F0003');
    expect(stored && (await sizeOf(stored)).width).toBe(320);
  });

  it('asks for nothing when every thumbnail is cached', async () => {
    await cache.put('MY_F0001', await makeJpeg(64, 64));
    const tv = fakeTv();

    const result = await makeSync(tv, new ScriptedSizing([5])).run(['MY_F0001', 'MY_F0001']);

    expect(tv.calls).toEqual([]);
    expect(result).toMatchObject({ fetched: 0, skipped: 2, outcome: 'complete' });
  });

  it('cuts chunks to the sizes the sizing gives and records each duration', async () => {
    const tv = fakeTv();
    const sizing = new ScriptedSizing([2, 3, 1, 4]);

    const result = await makeSync(tv, sizing).run(ids(9));

    expect(tv.calls.map((chunk) => chunk.length)).toEqual([2, 3, 1, 3]);
    expect(sizing.recorded).toEqual([
      [2, 200],
      [3, 300],
      [1, 100],
      [3, 300],
    ]);
    expect(result.durationMs).toBe(900);
  });

  it('treats a nonsensical size as one thumbnail per chunk', async () => {
    const tv = fakeTv();

    await makeSync(tv, new ScriptedSizing([0, Number.NaN, -3])).run(ids(3));

    expect(tv.calls).toEqual([['MY_F0001'], ['MY_F0002'], ['MY_F0003']]);
  });

  it('never has more than one chunk outstanding', async () => {
    const tv = fakeTv();

    await makeSync(tv, new ScriptedSizing([2])).run(ids(10));

    expect(tv.calls).toHaveLength(5);
    expect(tv.maxInFlight()).toBe(1);
  });

  it('isolates the id that sinks a chunk, fetches the rest and reports it failed', async () => {
    const tv = fakeTv({ MY_F0002: 'sinks-chunk' });

    const result = await makeSync(tv, new ScriptedSizing([4])).run(ids(4));

    expect(tv.calls).toEqual([
      ['MY_F0001', 'MY_F0002', 'MY_F0003', 'MY_F0004'],
      ['MY_F0001', 'MY_F0002'],
      ['MY_F0001'],
      ['MY_F0002'],
      ['MY_F0003', 'MY_F0004'],
    ]);
    expect(result).toMatchObject({ fetched: 3, failed: ['MY_F0002'], outcome: 'complete' });
    expect(cache.has('MY_F0002')).toBe(false);
  });

  it('retries left-out and unusable thumbnails once, then reports them without looping', async () => {
    const tv = fakeTv({ MY_F0002: 'omit', MY_F0003: 'empty' });

    const result = await makeSync(tv, new ScriptedSizing([5])).run(ids(5));

    expect(tv.calls).toEqual([ids(5), ['MY_F0002'], ['MY_F0003']]);
    expect(result).toMatchObject({ fetched: 3, failed: ['MY_F0002', 'MY_F0003'] });
    expect(sortedFiles(await readdir(dir))).toEqual([
      'MY_F0001.jpg',
      'MY_F0004.jpg',
      'MY_F0005.jpg',
    ]);
  });

  it('stores a thumbnail the TV sends twice only once, and ignores ones not asked for', async () => {
    const tv = fakeTv({ MY_F0001: 'twice', MY_F0002: 'brings-stranger' });
    const seen: string[] = [];
    const sync = makeSync(tv, new ScriptedSizing([2]));
    sync.on('thumbnail', (contentId) => seen.push(contentId));

    const result = await sync.run(ids(2));

    expect(seen).toEqual(['MY_F0001', 'MY_F0002']);
    expect(result.fetched).toBe(2);
    expect(cache.list()).toEqual(['MY_F0001', 'MY_F0002']);
  });

  it('gives up after repeated chunk failures and leaves the rest for a later run', async () => {
    const tv = fakeTv(Object.fromEntries(ids(6).map((id) => [id, 'sinks-chunk' as const])));

    const result = await makeSync(tv, new ScriptedSizing([2])).run(ids(10));

    expect(tv.calls).toHaveLength(3);
    expect(result).toMatchObject({ fetched: 0, failed: [], remaining: 10, outcome: 'aborted' });
    expect(sortedFiles(await readdir(dir))).toEqual([]);
  });

  it('emits progress after every chunk and a thumbnail event after every store', async () => {
    const tv = fakeTv({ MY_F0003: 'omit' });
    const sync = makeSync(tv, new ScriptedSizing([2]));
    const progress: ThumbnailSyncProgress[] = [];
    const thumbnails: Array<{ contentId: string; data: Buffer; hash: string }> = [];
    sync.on('progress', (p) => progress.push(p));
    sync.on('thumbnail', (contentId, data, hash) => thumbnails.push({ contentId, data, hash }));

    await sync.run(ids(3));

    expect(progress).toEqual([
      { done: 0, total: 3, running: true, failed: 0 },
      { done: 2, total: 3, running: true, failed: 0 },
      { done: 2, total: 3, running: true, failed: 0 },
      { done: 3, total: 3, running: true, failed: 1 },
      { done: 3, total: 3, running: false, failed: 1 },
    ]);
    expect(thumbnails.map((t) => t.contentId)).toEqual(['MY_F0001', 'MY_F0002']);
    for (const { contentId, data, hash } of thumbnails) {
      expect(await cache.read(contentId)).toEqual(data);
      expect(cache.hashOf(contentId)).toBe(hash);
    }
    expect(sync.progress()).toEqual({ done: 3, total: 3, running: false, failed: 1 });
  });

  it('halts between chunks when stopped, keeping the chunk already fetched', async () => {
    const tv = fakeTv();
    const sync = makeSync(tv, new ScriptedSizing([2]));
    tv.onChunk(() => {
      if (tv.calls.length === 2) sync.stop();
    });

    const result = await sync.run(ids(8));

    expect(tv.calls).toHaveLength(2);
    expect(result).toMatchObject({ fetched: 4, remaining: 4, outcome: 'stopped' });
    expect(cache.list()).toEqual(ids(4));
    expect(sync.progress().running).toBe(false);
  });

  it('runs again after a stop and fetches only what is still missing', async () => {
    const tv = fakeTv();
    const sync = makeSync(tv, new ScriptedSizing([2]));
    tv.onChunk(() => sync.stop());
    await sync.run(ids(4));
    tv.onChunk(() => {});

    const result = await sync.run(ids(4));

    expect(tv.calls).toEqual([ids(2), ids(2, 3)]);
    expect(result).toMatchObject({ fetched: 2, skipped: 2, outcome: 'complete' });
  });

  it('refuses a second run while one is under way', async () => {
    const tv = fakeTv();
    const sync = makeSync(tv, new ScriptedSizing([1]));

    const first = sync.run(ids(2));
    await expect(sync.run(ids(2))).rejects.toMatchObject({ code: 'THUMBNAIL_SYNC_RUNNING' });
    await first;

    expect(tv.calls).toHaveLength(2);
  });

  it('skips ids that another path cached while the sync was running', async () => {
    const tv = fakeTv();
    const sync = makeSync(tv, new ScriptedSizing([1]));
    const early = await makeJpeg(64, 64);
    tv.onChunk(async (chunk) => {
      if (chunk[0] === 'MY_F0001') await cache.put('MY_F0002', early);
    });

    const result = await sync.run(ids(3));

    expect(tv.calls.flat()).toEqual(['MY_F0001', 'MY_F0003']);
    expect(result).toMatchObject({ fetched: 2, skipped: 1 });
  });

  it('asks the TV for the next chunk while the previous one is downloaded and stored', async () => {
    const events: string[] = [];
    let releaseFirst: () => void = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const jpeg = await makeJpeg(64, 64);
    const sync = new ThumbnailSync({
      cache,
      sizing: new ScriptedSizing([2]),
      logger: silentLogger(),
      fetchChunk: async (chunk) => {
        events.push(`tv ${chunk.join(',')}`);
        if (chunk[0] === 'MY_F0003') releaseFirst();

        return async () => {
          if (chunk[0] === 'MY_F0001') await firstHeld;
          events.push(`stored ${chunk.join(',')}`);

          return chunk.map((contentId) => ({ contentId, fileType: 'jpg', data: jpeg }));
        };
      },
    });

    const result = await sync.run(ids(6));

    expect(result).toMatchObject({ fetched: 6, outcome: 'complete' });
    // The second request went to the TV while the first chunk was still being downloaded, and
    // downloads stay one at a time, in order.
    expect(events.indexOf('tv MY_F0003,MY_F0004')).toBeLessThan(
      events.indexOf('stored MY_F0001,MY_F0002'),
    );
    expect(events.filter((e) => e.startsWith('stored'))).toEqual([
      'stored MY_F0001,MY_F0002',
      'stored MY_F0003,MY_F0004',
      'stored MY_F0005,MY_F0006',
    ]);
  });

  it('retries the ids of a chunk whose download failed', async () => {
    let failedOnce = false;
    const jpeg = await makeJpeg(64, 64);
    const sync = new ThumbnailSync({
      cache,
      sizing: new ScriptedSizing([3]),
      logger: silentLogger(),
      fetchChunk: async (chunk) => async () => {
        if (!failedOnce) {
          failedOnce = true;
          throw new Error('d2d socket reset');
        }

        return chunk.map((contentId) => ({ contentId, fileType: 'jpg', data: jpeg }));
      },
    });

    const result = await sync.run(ids(3));

    expect(result).toMatchObject({ fetched: 3, failed: [], outcome: 'complete' });
  });

  it('keeps going when a listener throws', async () => {
    const tv = fakeTv();
    const sync = makeSync(tv, new ScriptedSizing([1]));
    sync.on('thumbnail', () => {
      throw new Error('listener bug');
    });

    const result = await sync.run(ids(2));

    expect(result.fetched).toBe(2);
  });
});

function sortedFiles(names: string[]): string[] {
  return names.filter((name) => name.endsWith('.jpg')).sort();
}
