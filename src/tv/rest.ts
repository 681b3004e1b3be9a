import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { DocentError } from '../errors.js';
import { parseJson } from './protocol.js';

/** What Docent uses from `GET /api/v2/` (frame-protocol.md §1.2). */
export interface DeviceInfo {
  /** `device.FrameTVSupport == "true"`: the set has art mode. */
  frameTvSupport: boolean;
  /** Null when the model does not report it (§1.2; §6.1 on what it means). */
  powerState: 'on' | 'standby' | null;
  /** For Wake-on-LAN; null when absent. */
  wifiMac: string | null;
  /** Model code, e.g. `22_PONTUSM_FTV`. */
  model: string | null;
  modelName: string | null;
  name: string | null;
  tokenAuthSupport: boolean;
}

/** The TV sends every flag as the string "true"/"false" (§1.2). */
const flagSchema = z
  .union([z.enum(['true', 'false']), z.boolean()])
  .transform((v) => v === true || v === 'true');

const deviceInfoSchema = z.looseObject({
  device: z.looseObject({
    FrameTVSupport: flagSchema.optional(),
    TokenAuthSupport: flagSchema.optional(),
    PowerState: z.string().optional(),
    wifiMac: z.string().optional(),
    model: z.string().optional(),
    modelName: z.string().optional(),
    name: z.string().optional(),
  }),
  name: z.string().optional(),
});

export interface DeviceInfoRequest {
  host: string;
  port: number;
  secure: boolean;
  timeoutMs: number;
}

/**
 * Fetches and parses the TV's REST device info. A refused connection or a timeout means the
 * TV is off or unreachable (§1.2) and rejects with TV_UNREACHABLE (transient); an answer that
 * does not fit rejects with TV_BAD_REPLY. The self-signed certificate on 8002 is accepted (§1.4).
 */
export async function getDeviceInfo(request: DeviceInfoRequest): Promise<DeviceInfo> {
  const body = await fetchText(request);
  const parsed = deviceInfoSchema.safeParse(parseJson(body));
  if (!parsed.success) {
    throw new DocentError('TV_BAD_REPLY', 'TV device info has an unexpected shape', {
      cause: parsed.error,
    });
  }

  const device = parsed.data.device;

  return {
    frameTvSupport: device.FrameTVSupport ?? false,
    tokenAuthSupport: device.TokenAuthSupport ?? false,
    powerState: toPowerState(device.PowerState),
    wifiMac: device.wifiMac ?? null,
    model: device.model ?? null,
    modelName: device.modelName ?? null,
    name: device.name ?? parsed.data.name ?? null,
  };
}

function toPowerState(value: string | undefined): 'on' | 'standby' | null {
  if (value === 'on' || value === 'standby') {
    return value;
  }

  return null;
}

function fetchText(request: DeviceInfoRequest): Promise<string> {
  const scheme = request.secure ? 'https' : 'http';
  const url = `${scheme}://${request.host}:${request.port}/api/v2/`;
  const unreachable = (cause: unknown): DocentError =>
    new DocentError(
      'TV_UNREACHABLE',
      `TV REST API at ${request.host}:${request.port} not reachable`,
      {
        transient: true,
        cause,
      },
    );

  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(unreachable(new Error(`HTTP ${res.statusCode}`)));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', (err) => reject(unreachable(err)));
    };

    // No shared agent: a probe every few seconds should not keep idle sockets to the TV open.
    const options = { agent: false, timeout: request.timeoutMs } as const;
    const req = request.secure
      ? https.get(url, { ...options, rejectUnauthorized: false }, onResponse)
      : http.get(url, options, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
    req.on('error', (err) => reject(unreachable(err)));
  });
}
