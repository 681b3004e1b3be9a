import net from 'node:net';
import { parseConnInfo, readThumbnailStream } from '../../bench/naive-wire.js';

function record(fileId: string, bytes: Buffer, num: number, total: number): Buffer {
  const header = Buffer.from(
    JSON.stringify({ fileID: fileId, fileType: 'jpg', num, total, fileLength: bytes.length }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length, 0);

  return Buffer.concat([length, header, bytes]);
}

describe('naive wire helpers', () => {
  let server: net.Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function serve(write: (socket: net.Socket) => void): Promise<number> {
    const listening = net.createServer(write);
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', () => resolve()));
    const address = listening.address();

    return typeof address === 'object' && address ? address.port : 0;
  }

  it('reads conn_info given as a JSON string with a numeric-string port', () => {
    expect(parseConnInfo('{"ip":"127.0.0.1","port":"4321","key":"k","secured":false}')).toEqual({
      ip: '127.0.0.1',
      port: 4321,
    });
    expect(() => parseConnInfo('{"ip":1}')).toThrow(/conn_info/);
  });

  it('reads thumbnail records split across TCP writes', async () => {
    const stream = Buffer.concat([
      record('MY_F0001', Buffer.from('aaaa'), 0, 2),
      record('MY_F0002', Buffer.from('bbbbbb'), 1, 2),
    ]);
    const port = await serve((socket) => {
      socket.write(stream.subarray(0, 7));
      setTimeout(() => socket.end(stream.subarray(7)), 20);
    });

    const files = await readThumbnailStream({ ip: '127.0.0.1', port }, 2_000);

    expect([...files.keys()]).toEqual(['MY_F0001', 'MY_F0002']);
    expect(files.get('MY_F0002')?.toString()).toBe('bbbbbb');
  });

  it('fails when the stream ends before the last record', async () => {
    const port = await serve((socket) => socket.end(record('MY_F0001', Buffer.from('a'), 0, 3)));

    await expect(readThumbnailStream({ ip: '127.0.0.1', port }, 2_000)).rejects.toMatchObject({
      code: 'SOCKET_CLOSED',
    });
  });
});
