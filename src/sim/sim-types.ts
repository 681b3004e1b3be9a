import type { Logger } from '../log.js';
import type { LatencyMode } from './latency.js';
import type { SimProfile } from './profile.js';

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
  /** Firmware behaviour overrides on top of the 2022–2023 4.x profile. */
  profile?: Partial<SimProfile>;
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
  /** Sum of service times of the requests processed (a lower bound for benchmarks). */
  serviceMs: number;
}

export interface SimState {
  power: 'on' | 'standby' | 'off';
  artMode: 'on' | 'off';
  currentContentId: string;
  matteId: string;
  slideshow: { value: string; categoryId: string; type: string };
  artworkCount: number;
}

export interface SimulatedFrame {
  readonly host: string;
  readonly plainPort: number;
  readonly securePort: number;
  readonly mac: string;
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
  /** The TV closes every art socket (its "socket closed"). */
  dropArtConnections(): void;
  /** off: refuse/close everything, REST silent; standby: `go_to_standby`; on: `wakeup`. */
  setPower(power: 'on' | 'standby' | 'off'): void;
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
    serviceMs: 0,
  };
}
