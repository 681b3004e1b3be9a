import type { Logger } from '../log.js';
import type { LatencyMode } from './latency.js';
import type { ProfileName, SimProfile } from './profile.js';
import type { SimSwitches } from './switches.js';

export interface SimOptions {
  /** Generated catalogue size; default 524. */
  artworks?: number;
  /** Service-time table (see latency.ts); default 'realistic'. */
  latency?: LatencyMode;
  /** Multiplies every service time; default 1. */
  latencyScale?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** The "8001" role: HTTP REST + WS; default 0 (ephemeral). */
  plainPort?: number;
  /** The "8002" role: HTTPS REST + WSS (self-signed); default 0. */
  securePort?: number;
  /** Catalogue generation seed; default 1. */
  seed?: number;
  /** `wifiMac` in REST; default '02:00:00:00:00:0A'. */
  mac?: string;
  /** Model profile to start from (see profile.ts); default '2022' (art API 4.x). */
  profileName?: ProfileName;
  /** Firmware behaviour overrides on top of the named profile. */
  profile?: Partial<SimProfile>;
  /** Pairing and failure switches on top of the profile's defaults (see switches.ts). */
  switches?: Partial<SimSwitches>;
  /** Art Store items (`SAM-S####`) added after the uploads; default 0. */
  storeArtworks?: number;
  /** UDP port for Wake-on-LAN magic packets (the TV's 9); default 0 (ephemeral). */
  wolPort?: number;
  /** How long a slideshow "minute" lasts, so tests can see ticks; default 60000. */
  slideshowMinuteMs?: number;
  /** Port of the loopback HTTP control API; undefined (default) = no control API. */
  controlPort?: number;
  /** The simulator's own logs (component 'sim'); default silent. */
  logger?: Logger;
}

export interface SimCounters {
  /** Art-channel WebSockets accepted, ever. */
  artConnectionsOpened: number;
  /** Open now. */
  artConnectionsOpen: number;
  /** Most open at the same time. */
  maxArtConnectionsOpen: number;
  /** Art sockets the TV closed: second-client rule, dropArtConnections, power off. */
  artConnectionsDropped: number;
  /** Art requests received, by request name; unparsable data counts as 'malformed'. */
  requests: Record<string, number>;
  /** Thumbnail records written on d2d sockets. */
  thumbnailsSent: number;
  /** Art connections refused: churn guard, handshakes that never complete (§7 Q1, Q10). */
  refusedConnections: number;
  /** Bytes the TV wrote: channel frames and d2d records. */
  bytesSent: number;
  /** Wake-on-LAN magic packets for our MAC. */
  wolPackets: number;
  /** Sum of service times of the requests processed (a lower bound for benchmarks). */
  serviceMs: number;
  /** Pipelined requests dropped unanswered past the flood backlog (switch `floodReplyOrder`). */
  requestsDropped: number;
  /** Keys received on the remote channel, by key name (`KEY_POWER`) and command (§6.3). */
  remoteKeys: Record<string, RemoteKeyCounts>;
}

/** `Click`, `Press` and `Release` commands received for one key. */
export interface RemoteKeyCounts {
  click: number;
  press: number;
  release: number;
}

export interface SimState {
  power: 'on' | 'standby' | 'off';
  artMode: 'on' | 'off';
  currentContentId: string;
  matteId: string;
  slideshow: { value: string; categoryId: string; type: string };
  artworkCount: number;
  /** `KEY_POWER` pressed and not released (OH#11284). */
  powerKeyHeld: boolean;
  /** A Wake-on-LAN boot is under way. */
  booting: boolean;
  /** 1 landscape, 2 portrait (`setRotation`). */
  rotation: 1 | 2;
}

/** Where `loadCatalogue` takes artworks from. */
export type CatalogueSource =
  | { kind: 'generated'; artworks: number; seed?: number; storeArtworks?: number }
  | { kind: 'folder'; path: string };

export interface SimulatedFrame {
  readonly host: string;
  readonly plainPort: number;
  readonly securePort: number;
  readonly mac: string;
  /** UDP port listening for Wake-on-LAN. */
  readonly wolPort: number;
  /** Port of the HTTP control API, when one was asked for. */
  readonly controlPort: number | undefined;
  /** The effective profile (named profile plus overrides). */
  readonly profile: SimProfile;
  counters(): SimCounters;
  resetCounters(): void;
  state(): SimState;
  /** Catalogue order: newest first, like the TV. */
  contentIds(): string[];
  /** The JPEG the TV would send for this artwork; rejects for an unknown id. */
  thumbnailOf(contentId: string): Promise<Buffer>;
  /** As if the remote's button was pressed: broadcasts `art_mode_changed`; only while on. */
  setArtMode(on: boolean): void;
  /**
   * A slideshow tick: broadcasts `image_selected` then `slideshow_image_changed`.
   * Throws for an id that is not in the catalogue.
   */
  showArtwork(contentId: string): void;
  /**
   * The auto-rotating mount turns the panel (1 landscape, 2 portrait): broadcasts
   * `rotation_changed` (§5); only while on, and only when the rotation changes.
   */
  setRotation(rotation: 1 | 2): void;
  /** The TV closes every art socket (its "socket closed"). */
  dropArtConnections(): void;
  /** off: refuse/close everything, REST silent; standby: `go_to_standby`; on: `wakeup`. */
  setPower(power: 'on' | 'standby' | 'off'): void;
  /** Current pairing and failure switches. */
  switches(): SimSwitches;
  /** Flips switches at run time; periodic drops are re-armed. */
  setSwitches(patch: Partial<SimSwitches>): void;
  /** Replaces the catalogue; resolves with the number of artworks. */
  loadCatalogue(source: CatalogueSource): Promise<number>;
  /** The panel sleeps on its motion timer: `go_to_standby` while still on (§5). */
  sleepPanel(): void;
  /** The TV forgets its pairings; old tokens get the profile's `revokedTokenReply`. */
  revokeTokens(): void;
  stop(): Promise<void>;
}

export function emptyCounters(): SimCounters {
  return {
    artConnectionsOpened: 0,
    artConnectionsOpen: 0,
    maxArtConnectionsOpen: 0,
    artConnectionsDropped: 0,
    requests: {},
    thumbnailsSent: 0,
    refusedConnections: 0,
    bytesSent: 0,
    wolPackets: 0,
    serviceMs: 0,
    requestsDropped: 0,
    remoteKeys: {},
  };
}
