import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../log.js';
import type { ArtChannel } from './art-channel.js';
import { clientEntry } from './channel-client.js';
import type { ChurnGuard } from './churn-guard.js';
import { tvClientId } from './ids.js';
import { frameText } from './messages.js';
import type { SimProfile } from './profile.js';
import type { RemoteChannel } from './remote-channel.js';
import type { SimCounters } from './sim-types.js';

export const ART_CHANNEL = 'com.samsung.art-app';
export const REMOTE_CHANNEL = 'samsung.remote.control';
const CHANNEL_PATH = /^\/api\/v2\/channels\/([^/]+)$/;
/** Standard base64 with padding, what every client sends (§1.3, XW `tests/test_art.py`). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface UpgradeDeps {
  wss: WebSocketServer;
  art: ArtChannel;
  remote: RemoteChannel;
  churn: ChurnGuard;
  counters: SimCounters;
  profile: SimProfile;
  logger: Logger;
  /** Channels other than art and remote, tracked so power-off and stop can cut them. */
  otherSockets: Set<WebSocket>;
  /** False while the TV is off or the simulator is not running: every upgrade is cut. */
  accepting(): boolean;
}

/**
 * A WebSocket upgrade on either port: `/api/v2/channels/<channel>?name=<b64>[&token=…]`
 * (frame-protocol §1.3) routed to the art, remote or a host-less channel.
 */
export function routeUpgrade(
  deps: UpgradeDeps,
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  secure: boolean,
): void {
  const url = new URL(req.url ?? '/', 'http://tv');
  const channel = CHANNEL_PATH.exec(url.pathname)?.[1];
  if (!deps.accepting() || channel === undefined) {
    socket.destroy();
    return;
  }
  // The name stays base64: the TV lists it as sent (§2.2).
  const name = rawQueryParam(url.search, 'name');
  // No source shows what msf-server does with a name it cannot decode; refusing the upgrade
  // is our reading of §1.3 ("name is standard base64"), and an assumption.
  if (name === null || !BASE64.test(name)) {
    deps.logger.debug({ channel }, 'channel upgrade refused: name is not base64');
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  // §7 Q10: connection churn past the threshold is refused for a while.
  if (channel === ART_CHANNEL && !deps.churn.admit(Date.now())) {
    deps.counters.refusedConnections += 1;
    deps.logger.debug('art connection refused: churn');
    socket.destroy();
    return;
  }
  const token = url.searchParams.get('token') ?? undefined;

  deps.wss.handleUpgrade(req, socket, head, (ws) => {
    if (channel === ART_CHANNEL) deps.art.accept(ws, name, token, secure);
    else if (channel === REMOTE_CHANNEL) deps.remote.accept(ws, name, secure, token);
    else acceptOtherChannel(deps, ws, name);
  });
}

/**
 * A query parameter without form decoding: clients put base64 in the URL as it is (XW), so a
 * `+` in it is a `+`, not a space as `URLSearchParams` would read it. Absent is '', bad
 * percent-encoding is null.
 */
function rawQueryParam(search: string, key: string): string | null {
  const raw = new RegExp(`[?&]${key}=([^&]*)`).exec(search)?.[1];
  if (raw === undefined) return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Channels without a host app: the TV joins the client and nothing else (TAV#519). */
function acceptOtherChannel(deps: UpgradeDeps, ws: WebSocket, name: string): void {
  const id = tvClientId();
  const entry = clientEntry({ id, name, connectTime: Date.now(), isHost: false });
  deps.otherSockets.add(ws);
  ws.on('close', () => deps.otherSockets.delete(ws));
  ws.on('error', (err) => deps.logger.debug({ err }, 'channel socket error'));
  ws.send(frameText({ data: { clients: [entry], id }, event: 'ms.channel.connect' }, deps.profile));
}
