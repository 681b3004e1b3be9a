import type http from 'node:http';
import type { FrameModel, PowerState } from './frame-model.js';
import type { SimProfile } from './profile.js';

export interface DeviceInfoInput {
  profile: SimProfile;
  host: string;
  port: number;
  scheme: 'http' | 'https';
  mac: string;
  power: Exclude<PowerState, 'off'>;
  uuid: string;
}

/** Capability flags; the TV sends them again as a JSON string ending in `\n` (LOG22). */
const IS_SUPPORT = {
  DMP_DRM_PLAYREADY: 'false',
  DMP_DRM_WIDEVINE: 'false',
  DMP_available: 'true',
  EDEN_available: 'true',
  FrameTVSupport: 'true',
  ImeSyncedSupport: 'true',
  TokenAuthSupport: 'true',
  remote_available: 'true',
  remote_fourDirections: 'true',
  remote_touchPad: 'true',
  remote_voiceControl: 'true',
};

/**
 * `GET /api/v2/` body (frame-protocol §1.2): string flags, `PowerState`, `wifiMac`, `uri`
 * echoing the scheme and port that was asked. Field order follows the 2022 capture.
 */
export function deviceInfoBody(input: DeviceInfoInput): Record<string, unknown> {
  const { profile, host } = input;
  // §1.5: the flag tells clients whether to expect the pairing prompt and token flow.
  const tokenAuth = profile.tokenAuth ? 'true' : 'false';

  return {
    device: {
      EdgeBlendingSupport: 'false',
      EdgeBlendingSupportGroup: '0',
      FrameTVSupport: 'true',
      GamePadSupport: 'true',
      ImeSyncedSupport: 'true',
      Language: 'en_US',
      OS: 'Tizen',
      PowerState: input.power,
      TokenAuthSupport: tokenAuth,
      VoiceSupport: 'true',
      WallScreenRatio: '-1',
      WallService: 'false',
      countryCode: 'US',
      description: 'Samsung DTV RCR',
      developerIP: '0.0.0.0',
      developerMode: '0',
      duid: input.uuid,
      firmwareVersion: 'Unknown',
      id: input.uuid,
      ip: host,
      model: profile.modelCode,
      modelName: profile.modelName,
      name: profile.deviceName,
      networkType: 'wireless',
      resolution: '3840x2160',
      smartHubAgreement: 'true',
      // The TV puts its access point's BSSID here, not a name (traces README).
      ssid: '02:00:00:00:00:0b',
      type: 'Samsung SmartTV',
      udn: input.uuid,
      wifiMac: input.mac,
    },
    id: input.uuid,
    isSupport: `${JSON.stringify({ ...IS_SUPPORT, TokenAuthSupport: tokenAuth })}\n`,
    name: profile.deviceName,
    remote: '1.0',
    type: 'Samsung SmartTV',
    uri: `${input.scheme}://${host}:${input.port}/api/v2/`,
    version: profile.restVersion,
  };
}

/**
 * What REST says about power (§6.1): nothing when off, `standby`, `on` in TV or art mode, and
 * `standby` in art mode on 2025 sets (XW#185).
 */
export function restPowerState(
  model: FrameModel,
  profile: SimProfile,
): Exclude<PowerState, 'off'> | undefined {
  if (model.power === 'off') return undefined;
  if (model.power === 'on' && model.artMode === 'on' && profile.restStandbyInArt) return 'standby';

  return model.power;
}

export interface RestDeps {
  model: FrameModel;
  profile: SimProfile;
  host: string;
  mac: string;
  uuid: string;
  portOf(scheme: 'http' | 'https'): number;
  onBytesSent(bytes: number): void;
}

/** Serves `GET /api/v2/` on either port; a TV that is fully off answers nothing at all (§1.2). */
export function serveRest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  scheme: 'http' | 'https',
  deps: RestDeps,
): void {
  const power = restPowerState(deps.model, deps.profile);
  if (power === undefined) {
    req.socket.destroy();
    return;
  }
  const path = new URL(req.url ?? '/', 'http://tv').pathname;
  if (req.method !== 'GET' || (path !== '/api/v2/' && path !== '/api/v2')) {
    res.writeHead(404).end();
    return;
  }

  const body = JSON.stringify(
    deviceInfoBody({
      profile: deps.profile,
      host: deps.host,
      port: deps.portOf(scheme),
      scheme,
      mac: deps.mac,
      power,
      uuid: deps.uuid,
    }),
  );
  deps.onBytesSent(Buffer.byteLength(body));
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body);
}
