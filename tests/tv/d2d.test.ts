import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import { parseConnInfo, readThumbnailStream } from '../../src/tv/d2d.js';

interface Record_ {
  fileID: string;
  data: Buffer;
  header?: Record<string, unknown>;
}

function encodeRecords(records: Record_[]): Buffer {
  const parts = records.flatMap((record, num) => {
    const header = Buffer.from(
      JSON.stringify({
        fileID: record.fileID,
        fileType: 'jpg',
        num,
        total: records.length,
        fileLength: record.data.length,
        ...record.header,
      }),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    return [length, header, record.data];
  });
  return Buffer.concat(parts);
}

/** A one-shot d2d listener that writes `bytes` in `chunkSize` pieces, then maybe closes. */
async function serveOnce(
  bytes: Buffer,
  options: { chunkSize?: number; close?: boolean; tlsOptions?: tls.TlsOptions } = {},
): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    const size = options.chunkSize ?? bytes.length;
    for (let offset = 0; offset < bytes.length; offset += size) {
      socket.write(bytes.subarray(offset, offset + size));
    }
    if (options.close ?? true) socket.end();
  };
  const server = options.tlsOptions
    ? tls.createServer(options.tlsOptions, onSocket)
    : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const records: Record_[] = Array.from({ length: 5 }, (_, i) => ({
  fileID: `MY_F00${10 + i}`,
  data: Buffer.from(Array.from({ length: 3000 + i * 17 }, (_v, j) => (i * 31 + j) % 256)),
}));

describe('readThumbnailStream', () => {
  it('reads every record exactly however TCP splits the bytes', async () => {
    const server = await serveOnce(encodeRecords(records), { chunkSize: 7 });

    const files = await readThumbnailStream(
      { ip: '127.0.0.1', port: server.port, secured: false, key: null },
      { timeoutMs: 2000 },
    );
    await server.stop();

    expect(files.map((f) => f.contentId)).toEqual(records.map((r) => r.fileID));
    files.forEach((file, i) => {
      expect(file.data.equals(records[i]?.data ?? Buffer.alloc(0))).toBe(true);
    });
  });

  it('stops after num + 1 == total even when the TV keeps the socket open', async () => {
    const server = await serveOnce(encodeRecords(records), { close: false });

    const files = await readThumbnailStream(
      { ip: '127.0.0.1', port: server.port, secured: false, key: null },
      { timeoutMs: 2000 },
    );
    await server.stop();

    expect(files).toHaveLength(5);
  });

  it('reads over TLS without verifying the self-signed certificate', async () => {
    const pems = await generate([{ name: 'commonName', value: 'tv' }], { keySize: 2048 });
    const server = await serveOnce(encodeRecords(records.slice(0, 2)), {
      tlsOptions: { key: pems.private, cert: pems.cert },
    });

    const files = await readThumbnailStream(
      { ip: '127.0.0.1', port: server.port, secured: true, key: null },
      { timeoutMs: 2000 },
    );
    await server.stop();

    expect(files.map((f) => f.contentId)).toEqual(['MY_F0010', 'MY_F0011']);
  });

  it('strips a file extension from fileID and takes numbers sent as strings', async () => {
    const bytes = encodeRecords([
      {
        fileID: 'SAM-S0340.png',
        data: Buffer.from('png!'),
        header: { fileType: 'png', num: '0', total: '1', fileLength: '4' },
      },
    ]);
    const server = await serveOnce(bytes);

    const files = await readThumbnailStream(
      { ip: '127.0.0.1', port: server.port, secured: false, key: null },
      { timeoutMs: 2000 },
    );
    await server.stop();

    expect(files).toEqual([{ contentId: 'SAM-S0340', fileType: 'png', data: Buffer.from('png!') }]);
  });

  it('rejects with TV_D2D_INCOMPLETE when the stream closes mid-file', async () => {
    const bytes = encodeRecords(records);
    const server = await serveOnce(bytes.subarray(0, bytes.length - 100));

    await expect(
      readThumbnailStream(
        { ip: '127.0.0.1', port: server.port, secured: false, key: null },
        { timeoutMs: 2000 },
      ),
    ).rejects.toMatchObject({ code: 'TV_D2D_INCOMPLETE', transient: true });
    await server.stop();
  });

  it('rejects with TV_D2D_INCOMPLETE when the stream stalls past the timeout', async () => {
    const bytes = encodeRecords(records);
    const server = await serveOnce(bytes.subarray(0, 50), { close: false });

    const started = Date.now();
    await expect(
      readThumbnailStream(
        { ip: '127.0.0.1', port: server.port, secured: false, key: null },
        { timeoutMs: 150 },
      ),
    ).rejects.toMatchObject({ code: 'TV_D2D_INCOMPLETE' });
    expect(Date.now() - started).toBeLessThan(1000);
    await server.stop();
  });

  it('rejects a header that is not JSON', async () => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(5);
    const server = await serveOnce(Buffer.concat([length, Buffer.from('nope!')]), { close: false });

    await expect(
      readThumbnailStream(
        { ip: '127.0.0.1', port: server.port, secured: false, key: null },
        { timeoutMs: 1000 },
      ),
    ).rejects.toMatchObject({ code: 'TV_D2D_INCOMPLETE' });
    await server.stop();
  });
});

describe('parseConnInfo', () => {
  it('reads conn_info sent as a JSON string with a numeric-string port', () => {
    const info = parseConnInfo('{"ip":"192.0.2.10","port":"51234","key":"k","secured":true}');

    expect(info).toEqual({ ip: '192.0.2.10', port: 51234, key: 'k', secured: true });
  });

  it('reads conn_info sent as an object (samsungtvws fixture)', () => {
    const info = parseConnInfo({ ip: '127.0.0.1', port: 12345, key: 'TESTKEY', secured: false });

    expect(info).toEqual({ ip: '127.0.0.1', port: 12345, key: 'TESTKEY', secured: false });
  });

  it.each([['{"ip":"x"}'], ['not json'], [42], ['{"ip":"x","port":"99999"}']])(
    'rejects %p with TV_BAD_REPLY',
    (value) => {
      expect(() => parseConnInfo(value)).toThrow(expect.objectContaining({ code: 'TV_BAD_REPLY' }));
    },
  );
});
