import dgram from 'node:dgram';
import type { Logger } from '../log.js';

const SYNC_BYTES = 6;
const MAC_REPEATS = 16;
const MAC_BYTES = 6;

/** Is `packet` a Wake-on-LAN magic packet for `mac`: 6 × 0xFF then the MAC 16 times (§6.4)? */
export function isMagicPacketFor(packet: Buffer, mac: string): boolean {
  const macBytes = Buffer.from(mac.replace(/[:-]/g, ''), 'hex');
  if (macBytes.length !== MAC_BYTES || packet.length < SYNC_BYTES + MAC_REPEATS * MAC_BYTES) {
    return false;
  }
  for (let i = 0; i < SYNC_BYTES; i += 1) if (packet[i] !== 0xff) return false;
  for (let r = 0; r < MAC_REPEATS; r += 1) {
    const start = SYNC_BYTES + r * MAC_BYTES;
    if (!packet.subarray(start, start + MAC_BYTES).equals(macBytes)) return false;
  }

  return true;
}

export interface WolListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens for magic packets on UDP (the TV's port 9; tests use port 0 on loopback) and calls
 * `onWake` for each one addressed to `mac`.
 */
export async function listenForWol(deps: {
  host: string;
  port: number;
  mac: string;
  logger: Logger;
  onWake(): void;
}): Promise<WolListener> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  socket.on('message', (packet) => {
    if (isMagicPacketFor(packet, deps.mac)) deps.onWake();
    else deps.logger.debug({ bytes: packet.length }, 'udp packet is not a magic packet for us');
  });
  socket.on('error', (err) => deps.logger.warn({ err }, 'wol socket error'));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(deps.port, deps.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });

  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
