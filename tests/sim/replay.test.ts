import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { asObject, channelUrl, getJson, innerOf, type Json, RawClient } from './raw-client.js';

/** The 2022 Frame capture (tests/fixtures/traces/README.md): what a real 4.x set said. */
interface TraceLine {
  seq: number;
  dir: string;
  channel: string;
  kind: string;
  msg: Json;
}

function loadTrace(file: string): TraceLine[] {
  const text = readFileSync(path.join(process.cwd(), 'tests/fixtures/traces', file), 'utf8');

  return text
    .trim()
    .split('\n')
    .map((line) => {
      const value = asObject(JSON.parse(line));

      return {
        seq: Number(value.seq),
        dir: String(value.dir),
        channel: String(value.channel),
        kind: String(value.kind),
        msg: asObject(value.msg),
      };
    });
}

const trace = loadTrace('frame-2022-session-full-replies.jsonl');
const first = (kind: string): TraceLine => {
  const line = trace.find((l) => l.kind === kind);
  if (!line) throw new Error(`trace has no ${kind}`);

  return line;
};
const traceInner = (kind: string): Json => asObject(JSON.parse(String(first(kind).msg.data)));
const requestData = (kind: string): string => String(asObject(first(kind).msg.params).data);
const isPretty = (text: string): boolean => text === JSON.stringify(JSON.parse(text), null, 2);

describe('simulated frame against the 2022 capture', () => {
  let frame: SimulatedFrame;
  let client: RawClient;

  beforeAll(async () => {
    frame = await startSimulatedFrame({ artworks: 114, latency: 'none' });
    client = await RawClient.connectArt(
      channelUrl('wss', frame.securePort, 'com.samsung.art-app', 'SamsungTvArt', 'None'),
    );
  });
  afterAll(async () => {
    await client.close();
    await frame.stop();
  });

  it('lists clients with the same entry shape as the TV', () => {
    const ours = asObject(client.frames[0]?.message.data);
    const theirs = asObject(first('ms.channel.connect').msg.data);
    const keysOf = (data: Json) =>
      (Array.isArray(data.clients) ? data.clients : []).map((c) => Object.keys(asObject(c)));

    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(keysOf(ours)).toEqual(keysOf(theirs));
  });

  it('answers the captured get_device_info request with the captured data text', async () => {
    client.sendData(requestData('get_device_info request'));
    const traced = first('get_device_info reply');
    const requestId = traceInner('get_device_info reply').request_id;
    const reply = await client.waitFor((f) => {
      const data = f.message.data;
      return typeof data === 'string' && data.includes(String(requestId));
    });

    expect(reply.message.data).toBe(traced.msg.data);
    expect(Object.keys(reply.message)).toEqual(['data', 'event', 'from']);
  });

  it('lays out get_content_list like the TV: pretty inner data, pretty list string, same item keys', async () => {
    client.sendData(requestData('get_content_list request'));
    const theirs = traceInner('get_content_list reply');
    const reply = await client.waitFor(
      (f) => typeof f.message.data === 'string' && f.message.data.includes('"get_content_list"'),
    );
    const ours = innerOf(reply);
    const ourItems = JSON.parse(String(ours.content_list));
    const theirItems = JSON.parse(String(theirs.content_list));

    expect(isPretty(String(reply.message.data))).toBe(true);
    expect(isPretty(String(first('get_content_list reply').msg.data))).toBe(true);
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(ours.request_id).toBe(theirs.request_id);
    expect(isPretty(String(ours.content_list))).toBe(true);
    expect(Object.keys(ourItems[0])).toEqual(Object.keys(theirItems[0]));
    expect(ourItems).toHaveLength(114);
    for (const item of ourItems) {
      expect(item.image_date).toMatch(/^\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(item.content_id).toMatch(/^MY_F\d{4}$/);
      expect(typeof item.width).toBe('number');
    }
  });

  it('broadcasts a slideshow step with the captured field layout', async () => {
    frame.showArtwork(frame.contentIds()[2] ?? '');
    const selected = await client.broadcast('image_selected');
    const changed = await client.broadcast('slideshow_image_changed');

    expect(Object.keys(selected)).toEqual(Object.keys(traceInner('image_selected event')));
    expect(Object.keys(changed)).toEqual(Object.keys(traceInner('slideshow_image_changed event')));
  });

  it('serves REST with the captured device keys', async () => {
    const { body } = await getJson(`http://127.0.0.1:${frame.plainPort}/api/v2/`);
    const theirs = first('GET /api/v2/ reply').msg;

    expect(Object.keys(body)).toEqual(Object.keys(theirs));
    expect(Object.keys(asObject(body.device))).toEqual(Object.keys(asObject(theirs.device)));
    expect(body.isSupport).toBe(theirs.isSupport);
  });

  it('answers the captured 2024 get_artmode_status request byte for byte (thread-snippets)', async () => {
    const snippets = loadTrace('thread-snippets.jsonl');
    const request = snippets.find((l) => l.kind === 'get_artmode_status request');
    const traced = snippets.find((l) => l.kind === 'get_artmode_status reply');
    const requestId = '181b04bd-9ee4-4664-be21-81393f30121e';
    client.sendData(String(asObject(request?.msg.params).data));
    const reply = await client.waitFor(
      (f) => typeof f.message.data === 'string' && f.message.data.includes(requestId),
    );

    expect(reply.message.data).toBe(traced?.msg.data);
    expect(reply.text.endsWith('\n')).toBe(true);
  });

  it('reports a never-configured slideshow with the captured fields (thread-snippets)', async () => {
    const snippets = loadTrace('thread-snippets.jsonl');
    const traced = snippets.find((l) => l.kind === 'get_slideshow_status reply');
    const theirs = asObject(JSON.parse(String(traced?.msg.data)));
    const ours = await client.reply(client.request('get_slideshow_status'));

    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect({ ...ours, request_id: theirs.request_id }).toEqual(theirs);
  });
});
