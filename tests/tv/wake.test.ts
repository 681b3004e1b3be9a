import dgram from 'node:dgram';
import { silentLogger } from '../../src/log.js';
import { wakeOnLan } from '../../src/tv/wake.js';

describe('wakeOnLan', () => {
  it('sends the 102-byte magic packet for the MAC to the given address', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const port = socket.address().port;
    const received = new Promise<Buffer>((resolve) =>
      socket.once('message', (msg) => resolve(msg)),
    );

    await wakeOnLan('02:00:00:00:00:0A', {
      address: '127.0.0.1',
      from: '127.0.0.1',
      port,
      logger: silentLogger(),
    });
    const packet = await received;
    socket.close();

    expect(packet).toHaveLength(102);
    expect(packet.subarray(0, 6).equals(Buffer.alloc(6, 0xff))).toBe(true);
    expect(packet.subarray(6, 12).toString('hex')).toBe('02000000000a');
    expect(packet.subarray(96, 102).toString('hex')).toBe('02000000000a');
  });

  it('rejects an invalid MAC with WOL_FAILED', async () => {
    await expect(
      wakeOnLan('not-a-mac', { address: '127.0.0.1', from: '127.0.0.1', logger: silentLogger() }),
    ).rejects.toMatchObject({ code: 'WOL_FAILED' });
  });
});
