/** Start/stop bookkeeping shared by the conformance suites: every frame and client is closed. */
import { type SimOptions, type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { asObject, channelUrl, type Json, RawClient, sleep } from './raw-client.js';

export const ART = 'com.samsung.art-app';
export const REMOTE = 'samsung.remote.control';

export class SimFixture {
  frame!: SimulatedFrame;
  private readonly clients: RawClient[] = [];
  private readonly frames: SimulatedFrame[] = [];

  async start(options: SimOptions = {}): Promise<SimulatedFrame> {
    this.frame = await startSimulatedFrame({ artworks: 5, latency: 'none', ...options });
    this.frames.push(this.frame);

    return this.frame;
  }

  /** Opens a socket and keeps it for cleanup; does not wait for any event. */
  async open(url: string): Promise<RawClient> {
    const client = await RawClient.open(url);
    this.clients.push(client);

    return client;
  }

  artUrl(secure = true, token?: string): string {
    const f = this.frame;

    return channelUrl(
      secure ? 'wss' : 'ws',
      secure ? f.securePort : f.plainPort,
      ART,
      'Conf',
      token,
    );
  }

  remoteUrl(name = 'Conf', token?: string, secure = true): string {
    const f = this.frame;

    return channelUrl(
      secure ? 'wss' : 'ws',
      secure ? f.securePort : f.plainPort,
      REMOTE,
      name,
      token,
    );
  }

  /** An art client that has seen `ms.channel.connect` (and `ready` when `waitReady`). */
  async art(waitReady = true, secure = true): Promise<RawClient> {
    const client = await this.open(this.artUrl(secure));
    await client.waitForEvent(waitReady ? 'ms.channel.ready' : 'ms.channel.connect');

    return client;
  }

  /** An art client past this model's handshake: waits for `ready` only if it is sent (§2.3). */
  joinArt(): Promise<RawClient> {
    return this.art(this.frame.profile.artHandshake === 'connect-ready');
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
    await Promise.all(this.frames.splice(0).map((frame) => frame.stop()));
  }
}

/** The reply to a request, or undefined if the TV stays silent for `silenceMs`. */
export async function answerOf(
  client: RawClient,
  request: string,
  params: Json = {},
  silenceMs = 150,
): Promise<Json | undefined> {
  const id = client.request(request, params);
  try {
    return await client.reply(id, silenceMs);
  } catch {
    return undefined;
  }
}

export async function noFrameFor(client: RawClient, ms: number): Promise<number> {
  const before = client.frames.length;
  await sleep(ms);

  return client.frames.length - before;
}

/** The id the TV gave this client in `ms.channel.connect` (§2.2). */
export function clientIdOf(client: RawClient): string {
  const connect = client.frames.find((f) => f.message.event === 'ms.channel.connect');

  return String(asObject(connect?.message.data).id);
}
