import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import {
  asObject,
  connectD2d,
  connInfoOf,
  innerOf,
  type Json,
  type RawClient,
  readThumbnailStream,
  sleep,
  writeUpload,
} from './raw-client.js';
import { answerOf, SimFixture } from './sim-fixture.js';

function jpeg(width: number, height: number, progressive = false): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3366aa' } })
    .jpeg({ quality: 90, progressive })
    .toBuffer();
}

function sendImage(client: RawClient, bytes: Buffer): string {
  return client.request('send_image', {
    file_type: 'jpg',
    file_size: bytes.length,
    image_date: '2026:01:02 03:04:05',
    matte_id: 'none',
    portrait_matte_id: 'none',
    conn_info: { d2d_mode: 'socket', connection_id: 2825700145, id: randomUUID() },
  });
}

function thumbnailList(client: RawClient, ids: string[]): Promise<Json | undefined> {
  return answerOf(client, 'get_thumbnail_list', {
    content_id_list: ids.map((id) => ({ content_id: id })),
    conn_info: { d2d_mode: 'socket', connection_id: 1, id: randomUUID() },
  });
}

describe('thumbnail failure switches (§4.2, §7 Q7)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('error-1: get_thumbnail_list always fails with -1', async () => {
    await fx.start({ switches: { thumbnailList: 'error-1' } });

    expect(await thumbnailList(await fx.art(), ['MY_F0001'])).toMatchObject({
      event: 'error',
      error_code: '-1',
    });
  });

  it('intermittent: every n-th list request fails, the others work', async () => {
    await fx.start({ switches: { thumbnailList: 'intermittent', thumbnailIntermittentEvery: 2 } });
    const client = await fx.art();
    const codes: unknown[] = [];
    for (let i = 0; i < 4; i += 1) {
      const reply = await thumbnailList(client, ['MY_F0001']);
      codes.push(reply?.error_code ?? 'ok');
      if (reply?.conn_info !== undefined) {
        const info = connInfoOf(reply);
        await readThumbnailStream(info.ip, info.port);
      }
    }

    expect(codes).toEqual(['ok', '-1', 'ok', '-1']);
  });

  it('slow-empty: the d2d socket closes after the delay without a byte', async () => {
    await fx.start({ switches: { thumbnailList: 'slow-empty', thumbnailSlowMs: 100 } });
    const reply = await thumbnailList(await fx.art(), ['MY_F0001', 'MY_F0002']);
    const info = connInfoOf(asObject(reply));
    const startedAt = Date.now();
    const records = await readThumbnailStream(info.ip, info.port);

    expect(records).toEqual([]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(90);
  });

  it('single get_thumbnail never answers when switched silent (2021 profile)', async () => {
    await fx.start({ profileName: '2021', switches: { thumbnailSingle: 'silent' } });

    expect(await answerOf(await fx.art(), 'get_thumbnail', { content_id: 'MY_F0001' })).toBe(
      undefined,
    );
  });

  it('2021 answers get_thumbnail as `thumbnail` with a plain d2d stream of one record', async () => {
    await fx.start({ profileName: '2021' });
    const reply = asObject(
      await answerOf(await fx.art(), 'get_thumbnail', { content_id: 'MY_F0002' }),
    );
    const info = connInfoOf(reply);
    const records = await readThumbnailStream(info.ip, info.port, info.secured);

    expect(reply.event).toBe('thumbnail');
    expect(info.secured).toBe(false);
    expect(records.map((r) => r.header)).toEqual([
      expect.objectContaining({ fileID: 'MY_F0002', num: 0, total: 1 }),
    ]);
  });

  it('uncached store items: -1 until the artwork has been displayed', async () => {
    await fx.start({ storeArtworks: 1, switches: { uncachedStoreThumbnails: true } });
    const client = await fx.art();

    expect(await thumbnailList(client, ['SAM-S2701'])).toMatchObject({ error_code: '-1' });
    await answerOf(client, 'select_image', { content_id: 'SAM-S2701' });
    const reply = await thumbnailList(client, ['SAM-S2701']);
    const info = connInfoOf(asObject(reply));
    expect(await readThumbnailStream(info.ip, info.port)).toHaveLength(1);
  });

  it('secured profiles (2024) stream thumbnails over TLS', async () => {
    await fx.start({ profileName: '2024' });
    const reply = await thumbnailList(await fx.art(false), ['MY_F0001', 'MY_F0003']);
    const info = connInfoOf(asObject(reply));
    const records = await readThumbnailStream(info.ip, info.port, info.secured);

    expect(info.secured).toBe(true);
    expect(records.map((r) => r.header.fileID)).toEqual(['MY_F0001', 'MY_F0003']);
    expect(records[0]?.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });
});

describe('uploads over d2d (§4.3)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('ready_to_use, then header + bytes → image_added broadcast and send_image reply (4.x)', async () => {
    await fx.start();
    const client = await fx.art();
    const bytes = await jpeg(64, 48);
    const id = sendImage(client, bytes);
    const ready = await client.reply(id);
    expect(ready.event).toBe('ready_to_use');
    await writeUpload(connInfoOf(ready), bytes);

    const added = await client.broadcast('image_added');
    expect(added).toMatchObject({ content_id: 'MY_F0006', width: 64, height: 48 });
    const final = await client.waitFor((f) => f.text.includes(id) && f.text.includes('MY_F0006'));
    expect(innerOf(final)).toMatchObject({ event: 'send_image', request_id: id });
    expect(fx.frame.contentIds()[0]).toBe('MY_F0006');
  });

  it('2024 receives uploads over TLS', async () => {
    await fx.start({ profileName: '2024' });
    const client = await fx.art(false);
    const bytes = await jpeg(32, 32);
    const ready = await client.reply(sendImage(client, bytes));
    const info = connInfoOf(ready);
    expect(info.secured).toBe(true);
    await writeUpload(info, bytes);

    expect(await client.broadcast('image_added')).toMatchObject({ width: 32 });
  });

  it('2021 confirms an upload only with image_added', async () => {
    await fx.start({ profileName: '2021' });
    const client = await fx.art();
    const bytes = await jpeg(16, 16);
    const id = sendImage(client, bytes);
    await writeUpload(connInfoOf(await client.reply(id)), bytes);
    await client.broadcast('image_added');
    await sleep(30);

    expect(client.frames.filter((f) => f.text.includes(id))).toHaveLength(1);
  });

  it.each([
    [
      'a truncated body',
      async () => ({ bytes: (await jpeg(64, 64)).subarray(0, 100), fileLength: 5000 }),
    ],
    [
      'a progressive JPEG',
      async () => ({ bytes: await jpeg(64, 64, true), fileLength: undefined }),
    ],
  ])('stores %s as an entry that never gets image_added', async (_label, make) => {
    await fx.start();
    const client = await fx.art();
    const { bytes, fileLength } = await make();
    const ready = await client.reply(sendImage(client, bytes));
    await writeUpload(connInfoOf(ready), bytes, fileLength === undefined ? {} : { fileLength });
    await sleep(80);

    expect(client.frames.some((f) => f.text.includes('image_added'))).toBe(false);
    expect(fx.frame.contentIds()).toHaveLength(6);
  });

  it('switch uploadNoImageAdded: a good upload is stored without image_added', async () => {
    await fx.start({ switches: { uploadNoImageAdded: true } });
    const client = await fx.art();
    const bytes = await jpeg(16, 16);
    await writeUpload(connInfoOf(await client.reply(sendImage(client, bytes))), bytes);
    await sleep(80);

    expect(client.frames.some((f) => f.text.includes('image_added'))).toBe(false);
    expect(fx.frame.contentIds()).toHaveLength(6);
  });

  it('stores nothing when the header carries the wrong secKey', async () => {
    await fx.start();
    const client = await fx.art();
    const bytes = await jpeg(16, 16);
    await writeUpload(connInfoOf(await client.reply(sendImage(client, bytes))), bytes, {
      key: 'wrong',
    });
    await sleep(50);

    expect(fx.frame.contentIds()).toHaveLength(5);
  });

  it('accepts exactly one d2d connection per transfer', async () => {
    await fx.start();
    const client = await fx.art();
    const info = connInfoOf(asObject(await thumbnailList(client, ['MY_F0001'])));
    const records = readThumbnailStream(info.ip, info.port);
    await sleep(20);
    const second = connectD2d(info.ip, info.port);
    const refused = await new Promise<boolean>((resolve) => {
      second.on('error', () => resolve(true));
      second.on('close', () => resolve(true));
      second.on('data', () => resolve(false));
    });

    expect(refused).toBe(true);
    expect(await records).toHaveLength(1);
  });
});

describe('API 0.97 in-band binary frames (§4.5)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('refuses a d2d send_image with -1', async () => {
    await fx.start({ profileName: '2019' });
    const client = await fx.art();
    const id = sendImage(client, await jpeg(8, 8));

    expect(await client.reply(id)).toMatchObject({ event: 'error', error_code: '-1', id });
  });

  it('takes an in-band binary upload and answers image_added under the request id', async () => {
    await fx.start({ profileName: '2019' });
    const client = await fx.art();
    const id = randomUUID();
    const envelope = Buffer.from(
      JSON.stringify({
        method: 'ms.channel.emit',
        params: {
          event: 'art_app_request',
          to: 'host',
          data: JSON.stringify({ request: 'send_image', file_type: 'JPEG', matte_id: 'none', id }),
        },
      }),
    );
    const length = Buffer.alloc(2);
    length.writeUInt16BE(envelope.length, 0);
    client.ws.send(Buffer.concat([length, envelope, await jpeg(40, 30)]));

    expect(await client.reply(id)).toMatchObject({ event: 'image_added', content_id: 'MY_F0006' });
  });

  it('answers get_thumbnail with a binary frame whose length counts the trailing newline', async () => {
    await fx.start({ profileName: '2019' });
    const client = await fx.art();
    const id = client.request('get_thumbnail', { content_id: 'MY_F0004' });
    await client.waitUntil(() => client.binaries.length > 0);
    const frame = client.binaries[0] ?? Buffer.alloc(0);
    const headerLength = frame.readUInt16BE(0);
    const header = frame.subarray(2, 2 + headerLength).toString('utf8');
    const inner = asObject(JSON.parse(String(asObject(JSON.parse(header)).data)));

    expect(header.endsWith('\n')).toBe(true);
    expect(inner).toMatchObject({
      event: 'thumbnail',
      content_id: 'MY_F0004',
      id,
      file_type: 'jpg',
    });
    expect(frame.subarray(2 + headerLength, 4 + headerLength)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(await fx.frame.thumbnailOf('MY_F0004')).toEqual(frame.subarray(2 + headerLength));
  });
});
