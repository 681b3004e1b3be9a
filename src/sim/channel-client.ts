import type { WebSocket } from 'ws';

/** A client on a TV channel, as the TV lists it in `clients` (frame-protocol §2.2). */
export interface ChannelClient {
  ws: WebSocket;
  id: string;
  /** Base64 name from the URL, as the client sent it. */
  name: string;
  connectTime: number;
  isHost: boolean;
}

/** The art app's own entries (`isHost` true): listed in `clients`, never a socket of ours. */
export interface HostEntry {
  id: string;
  connectTime: number;
}

export function clientEntry(client: Pick<ChannelClient, 'id' | 'name' | 'connectTime' | 'isHost'>) {
  return {
    // The art app's own entries have no name (2019 capture: `attributes.name` null).
    attributes: { name: client.isHost ? null : client.name },
    connectTime: client.connectTime,
    deviceName: client.isHost ? 'Smart Device' : client.name,
    id: client.id,
    isHost: client.isHost,
  };
}

export function hostEntries(hosts: HostEntry[]) {
  return hosts.map((host) => clientEntry({ ...host, name: '', isHost: true }));
}
