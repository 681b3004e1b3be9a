import sharp from 'sharp';
import type { WebSocket } from 'ws';
import { DocentError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import type { ProfileName } from '../../src/sim/profile.js';
import { FrameArtApi, type UploadOptions, type UploadWriter } from '../../src/tv/art-api.js';
import { FrameConnection } from '../../src/tv/connection.js';
import { writeUploadStream } from '../../src/tv/d2d-upload.js';
import { MemoryTokenStore } from '../../src/tv/token-store.js';
import { FakeTv, type InnerRequest, sendArt, sendConnect, sendReady } from './fake-tv.js';
import { FAST_BACKOFF, waitForState } from './helpers.js';
import { PROFILE_NAMES, type SimApi, startSimApi } from './sim-api-fixture.js';

const MY_PHOTOS = 'MY-C0002';

async function jpeg(background: string): Promise<Buffer> {
  return sharp({ create: { width: 48, height: 27, channels: 3, background } })
    .jpeg()
    .toBuffer();
}

/** What the scheduler does with a failed job: try again while the error says it may. */
async function uploadLikeTheScheduler(
  api: FrameArtApi,
  image: Buffer,
  options: UploadOptions,
  attempts = 3,
): Promise<unknown> {
  let last: unknown = null;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      return await api.upload(image, options);
    } catch (err) {
      last = err;
      if (!(err instanceof DocentError) || !err.transient) break;
    }
  }

  throw last;
}

/** The upload failed as unconfirmed, without a retry, and the gallery holds it exactly once. */
async function expectOneUnconfirmedUpload(
  t: SimApi,
  failure: Promise<unknown>,
  before: readonly string[],
): Promise<void> {
  await expect(failure).rejects.toMatchObject({ code: 'TV_UPLOAD_UNCONFIRMED', transient: false });
  const after = await myPhotos(t);
  expect(after.filter((id) => !before.includes(id))).toHaveLength(1);
  expect(t.sim.counters().requests.send_image).toBe(1);
}

function myPhotos(t: SimApi): Promise<string[]> {
  return t.api.getContentList(MY_PHOTOS).then((list) => list.map((a) => a.contentId));
}

describe('upload safety against the simulator (§4.3: never a blind second upload)', () => {
  let t: SimApi | null = null;

  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  /** What the switch `uploadNoImageAdded` takes away on each model (§4.3, §4.5). */
  const LOST: Record<ProfileName, string> = {
    '2019': 'a lost in-band reply',
    '2021': 'a lost image_added, its only confirmation (d2d, 2.x)',
    '2022': 'a lost send_image reply and image_added (d2d)',
    '2024': 'a lost send_image reply and image_added (d2d over TLS)',
    '2025': 'a lost send_image reply and image_added (d2d over TLS, 5.x)',
  };

  it.each(PROFILE_NAMES.map((name) => [name, LOST[name]] as const))(
    'does not duplicate an upload after %s: %s',
    async (profile) => {
      t = await startSimApi(profile, { artworks: 8, switches: { uploadNoImageAdded: true } });
      const before = await myPhotos(t);

      const failure = uploadLikeTheScheduler(t.api, await jpeg('#224466'), {
        fileType: 'jpg',
        addedTimeoutMs: 300,
        galleryGraceMs: 50,
      });

      await expectOneUnconfirmedUpload(t, failure, before);
    },
  );

  it('waits the grace period before it reads the gallery after a lost reply', async () => {
    t = await startSimApi('2022', { artworks: 8, switches: { uploadNoImageAdded: true } });
    const sim = t.sim;
    const listsBefore = (): number => sim.counters().requests.get_content_list ?? 0;
    const startedAt = Date.now();
    let galleryReadAt: number | null = null;
    const base = listsBefore();
    const look = (): void => {
      // The first read is the "before" snapshot; the second one settles the outcome.
      if (galleryReadAt === null && listsBefore() >= base + 2) galleryReadAt = Date.now();
    };
    const watch = setInterval(look, 5);

    try {
      await expect(
        t.api.upload(await jpeg('#664422'), {
          fileType: 'jpg',
          addedTimeoutMs: 100,
          galleryGraceMs: 700,
        }),
      ).rejects.toMatchObject({ code: 'TV_UPLOAD_UNCONFIRMED' });
    } finally {
      clearInterval(watch);
      look();
    }

    expect(galleryReadAt).not.toBeNull();
    expect((galleryReadAt ?? 0) - startedAt).toBeGreaterThanOrEqual(100 + 650);
  });

  it('checks the gallery after a failed d2d write and does not resend an image the TV stored', async () => {
    // The socket reports an error once every byte was flushed (a TLS close racing the write,
    // §4.3): the TV has the image. The simulator has no switch for this, so the writer does it.
    const failsAfterWriting: UploadWriter = async (connInfo, upload, options) => {
      await writeUploadStream(connInfo, upload, options);
      throw new DocentError('TV_D2D_UPLOAD_FAILED', 'upload stream failed', { transient: true });
    };
    t = await startSimApi('2024', { artworks: 8, api: { uploadWriter: failsAfterWriting } });
    const before = await myPhotos(t);

    const failure = uploadLikeTheScheduler(t.api, await jpeg('#446622'), {
      fileType: 'jpg',
      galleryGraceMs: 300,
    });

    await expectOneUnconfirmedUpload(t, failure, before);
  });

  it('reports a failed d2d write as retryable once the gallery shows nothing new', async () => {
    // The connect to the TV's upload listener fails: nothing reaches it.
    const refused: UploadWriter = async () => {
      throw new DocentError('TV_D2D_UPLOAD_FAILED', 'upload stream failed', { transient: true });
    };
    t = await startSimApi('2022', { artworks: 8, api: { uploadWriter: refused } });
    const before = await myPhotos(t);

    const failure = t.api.upload(await jpeg('#226644'), { fileType: 'jpg', galleryGraceMs: 50 });

    await expect(failure).rejects.toMatchObject({
      code: 'TV_UPLOAD_LOST',
      transient: true,
      cause: expect.objectContaining({ code: 'TV_D2D_UPLOAD_FAILED' }),
    });
    expect(await myPhotos(t)).toEqual(before);
  });

  it('records the in-band upload apart from d2d, so a 2019 set offers uploads', async () => {
    t = await startSimApi('2019', { artworks: 8 });
    await t.api.detect();
    expect(t.capabilities.feature('upload')).toBe('supported');

    const added = await t.api.upload(await jpeg('#123456'), { fileType: 'jpg' });

    expect(t.sim.contentIds()).toContain(added.contentId);
    expect(t.capabilities.observed('send_image:inband')).toEqual({
      support: 'supported',
      reason: null,
    });
    expect(t.capabilities.supportOf('send_image')).toBe('unsupported');
    expect(t.sim.counters().requests.send_image).toBe(1);
  });
});

describe('0.97 in-band upload replies (a stand-in TV: the simulator always confirms)', () => {
  let tv: FakeTv | null = null;
  let conn: FrameConnection | null = null;

  afterEach(async () => {
    await conn?.stop();
    conn = null;
    await tv?.stop();
    tv = null;
  });

  /** A 2019-style art app: `id` echoes, old reply names, a gallery the test controls. */
  async function oldTv(
    onUpload: (ws: WebSocket, request: InnerRequest) => void,
    gallery: string[],
  ) {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws);
        sendReady(ws);
      },
      onRequest: (ws, request, bytes) => {
        const id = request.id;
        if (request.request === 'api_version') {
          sendArt(ws, { event: 'error', id, error_code: '-1', request_data: '{}' });
        } else if (request.request === 'get_api_version') {
          sendArt(ws, { event: 'api_version', id, version: '0.97' });
        } else if (request.request === 'get_content_list') {
          const list = gallery.map((contentId) => ({
            content_id: contentId,
            category_id: MY_PHOTOS,
          }));
          sendArt(ws, { event: 'content_list', id, content_list: JSON.stringify(list) });
        } else if (request.request === 'send_image' && bytes) {
          onUpload(ws, request);
        }
      },
    });
    conn = new FrameConnection(
      { tvId: 'tv', host: '127.0.0.1', port: tv.port, secure: false, backoff: FAST_BACKOFF },
      { logger: silentLogger(), tokenStore: new MemoryTokenStore() },
    );
    conn.start();
    await waitForState(conn, 'ready');

    return new FrameArtApi(conn);
  }

  it('takes a reply naming an artwork listed before for no confirmation, and asks the gallery', async () => {
    const gallery = ['MY_F0001', 'MY_F0002'];
    const api = await oldTv((ws, request) => {
      sendArt(ws, { event: 'image_added', id: request.id, content_id: 'MY_F0001' });
    }, gallery);

    const failure = api.upload(Buffer.from('jpeg bytes'), { fileType: 'jpg', galleryGraceMs: 20 });

    await expect(failure).rejects.toMatchObject({
      code: 'TV_UPLOAD_LOST',
      cause: expect.objectContaining({ code: 'TV_BAD_REPLY' }),
    });
  });

  it('reports a reply without content_id as unconfirmed when the gallery gained an entry', async () => {
    const gallery = ['MY_F0001'];
    const api = await oldTv((ws, request) => {
      gallery.unshift('MY_F0002');
      sendArt(ws, { event: 'send_image', id: request.id });
    }, gallery);

    const failure = api.upload(Buffer.from('jpeg bytes'), { fileType: 'jpg', galleryGraceMs: 20 });

    await expect(failure).rejects.toMatchObject({
      code: 'TV_UPLOAD_UNCONFIRMED',
      transient: false,
    });
  });

  it('accepts a reply that names a new artwork', async () => {
    const api = await oldTv(
      (ws, request) => {
        sendArt(ws, { event: 'image_added', id: request.id, content_id: 'MY_F0009', width: 48 });
      },
      ['MY_F0001'],
    );

    await expect(api.upload(Buffer.from('jpeg'), { fileType: 'jpg' })).resolves.toEqual({
      contentId: 'MY_F0009',
      categoryId: null,
      width: 48,
      height: null,
    });
  });
});
