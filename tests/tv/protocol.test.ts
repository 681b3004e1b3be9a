import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  buildArtChannelUrl,
  type DecodedFrame,
  decodeFrame,
  encodeArtRequest,
} from '../../src/tv/protocol.js';

const TRACE_DIR = path.join(process.cwd(), 'tests/fixtures/traces');

const traceLineSchema = z.object({
  seq: z.number(),
  dir: z.string(),
  channel: z.string(),
  kind: z.string(),
  msg: z.unknown(),
});
type TraceLine = z.infer<typeof traceLineSchema>;

function readTrace(file: string): TraceLine[] {
  return readFileSync(path.join(TRACE_DIR, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => traceLineSchema.parse(JSON.parse(line)));
}

function artLinesFromTv(): Array<{ file: string; line: TraceLine }> {
  return readdirSync(TRACE_DIR)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => readTrace(file).map((line) => ({ file, line })))
    .filter(({ line }) => line.dir === 'tv->client' && line.channel === 'art');
}

function traceLine(file: string, seq: number): TraceLine {
  const line = readTrace(file).find((l) => l.seq === seq);
  if (!line) throw new Error(`no seq ${seq} in ${file}`);
  return line;
}

function expectArt(frame: DecodedFrame) {
  if (frame.kind !== 'art') throw new Error(`expected an art frame, got ${frame.kind}`);
  return frame;
}

describe('decodeFrame on captured TV traffic', () => {
  const lines = artLinesFromTv();

  it('has art lines from the TV to check', () => {
    expect(lines.length).toBeGreaterThan(200);
  });

  it.each(lines.map(({ file, line }) => [`${file} seq ${line.seq} (${line.kind})`, line]))(
    'classifies %s without throwing',
    (_label, line) => {
      const frame = decodeFrame(JSON.stringify(line.msg));

      expect(['channel', 'art', 'junk']).toContain(frame.kind);
      if (line.kind.startsWith('ms.channel.')) expect(frame.kind).toBe('channel');
      if (line.kind.endsWith(' reply') || line.kind.endsWith(' event')) {
        // The TV's own developer-mode log line (thread-snippets seq 1) is not a client frame.
        if (!line.kind.includes('TV-internal')) expect(frame.kind).toBe('art');
      }
    },
  );

  it('classifies every content-list reply of the 2022 flood as a reply carrying request_id', () => {
    const replies = readTrace('frame-2022-session-full-replies.jsonl').filter(
      (l) => l.kind === 'get_content_list reply',
    );

    const frames = replies.map((l) => expectArt(decodeFrame(JSON.stringify(l.msg))));

    expect(frames).toHaveLength(116);
    for (const frame of frames) {
      expect(frame.event).toBe('get_content_list');
      expect(frame.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof frame.fields.content_list).toBe('string');
    }
  });

  it('maps a 2019 id-only reply to the 4.x event name and keeps the id', () => {
    const line = traceLine('frame-2019-session.jsonl', 3);

    const frame = expectArt(decodeFrame(JSON.stringify(line.msg)));

    expect(frame.event).toBe('get_artmode_status');
    expect(frame.rawEvent).toBe('artmode_status');
    expect(frame.requestId).toBeNull();
    expect(frame.id).toBe('30852acd-1b7d-4496-8bef-53e1178fa839');
    expect(frame.fields.value).toBe('off');
  });

  it('reads an error reply with its string code and the failing request from request_data', () => {
    const line = traceLine('samsungtvws-fixtures.jsonl', 9);

    const frame = expectArt(decodeFrame(JSON.stringify(line.msg)));

    expect(frame.error).toEqual({ code: '-1', requestName: 'send_image' });
    expect(frame.requestId).toBe('07e72228-7110-4655-aaa6-d81b5188c219');
  });

  it('reads pretty-printed inner data and a trailing newline on the frame', () => {
    const line = traceLine('thread-snippets.jsonl', 5);

    const frame = expectArt(decodeFrame(`${JSON.stringify(line.msg)}\n`));

    expect(frame.event).toBe('get_artmode_status');
    expect(frame.requestId).toBe('181b04bd-9ee4-4664-be21-81393f30121e');
    expect(frame.fields.value).toBe('on');
  });

  it('treats a broadcast without ids as an event candidate', () => {
    const line = traceLine('frame-2022-session-full-replies.jsonl', 9);

    const frame = expectArt(decodeFrame(JSON.stringify(line.msg)));

    expect(frame.requestId).toBeNull();
    expect(frame.id).toBeNull();
    expect(frame.event).toBe('image_selected');
  });

  it('reads a numeric token from ms.channel.connect as a string', () => {
    const line = traceLine('samsungtvws-fixtures.jsonl', 1);

    const frame = decodeFrame(JSON.stringify(line.msg));

    expect(frame).toMatchObject({
      kind: 'channel',
      event: 'ms.channel.connect',
      token: '12345678',
    });
  });

  it('reads our client id from ms.channel.connect', () => {
    const line = traceLine('frame-2019-session.jsonl', 1);

    const frame = decodeFrame(JSON.stringify(line.msg));

    expect(frame).toMatchObject({
      kind: 'channel',
      clientId: '68fcee8d-625f-40de-9a71-a9799f969615',
      token: null,
    });
  });
});

describe('decodeFrame on bad input', () => {
  it.each([
    ['not JSON', '{"event":'],
    ['JSON without event', '{"data":"x"}'],
    ['a JSON array', '[1,2]'],
    ['d2d data that is not a string', '{"event":"d2d_service_message","data":{"event":"x"}}'],
    ['d2d data that is not JSON', '{"event":"d2d_service_message","data":"{oops"}'],
    ['d2d data without event', '{"event":"d2d_service_message","data":"{\\"value\\":1}"}'],
    ['empty text', ''],
  ])('turns %s into junk with a reason', (_label, text) => {
    const frame = decodeFrame(text);

    expect(frame.kind).toBe('junk');
    expect(frame.kind === 'junk' && frame.reason.length > 0).toBe(true);
  });

  it('keeps an error reply whose request_data does not parse, without a request name', () => {
    const data = JSON.stringify({
      event: 'error',
      request_id: 'r1',
      error_code: -7,
      request_data: '{',
    });

    const frame = expectArt(decodeFrame(JSON.stringify({ event: 'd2d_service_message', data })));

    expect(frame.error).toEqual({ code: '-7', requestName: null });
  });
});

describe('encodeArtRequest', () => {
  it('puts the request as a JSON string in params.data with the same id twice', () => {
    const { requestId, text } = encodeArtRequest('select_image', { content_id: 'MY_F0001' });

    const envelope = JSON.parse(text);
    const data = JSON.parse(envelope.params.data);

    expect(envelope.method).toBe('ms.channel.emit');
    expect(envelope.params).toMatchObject({ event: 'art_app_request', to: 'host' });
    expect(typeof envelope.params.data).toBe('string');
    expect(data).toEqual({
      request: 'select_image',
      content_id: 'MY_F0001',
      id: requestId,
      request_id: requestId,
    });
  });

  it('uses a fresh UUID per request', () => {
    const first = encodeArtRequest('get_artmode_status');
    const second = encodeArtRequest('get_artmode_status');

    expect(first.requestId).not.toBe(second.requestId);
    expect(first.requestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('buildArtChannelUrl', () => {
  it('encodes the client name as base64 and leaves the token out when there is none', () => {
    const url = buildArtChannelUrl({
      host: '192.0.2.10',
      port: 8002,
      secure: true,
      clientName: 'SamsungTvRemote',
    });

    expect(url).toBe(
      'wss://192.0.2.10:8002/api/v2/channels/com.samsung.art-app?name=U2Ftc3VuZ1R2UmVtb3Rl',
    );
  });

  it('appends the token when one is given', () => {
    const url = buildArtChannelUrl({
      host: 'tv',
      port: 8001,
      secure: false,
      clientName: 'Docent',
      token: '12345678',
    });

    expect(url).toBe(
      'ws://tv:8001/api/v2/channels/com.samsung.art-app?name=RG9jZW50&token=12345678',
    );
  });
});
