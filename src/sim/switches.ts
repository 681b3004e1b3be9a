import { z } from 'zod';

/**
 * Switches that can be flipped while the simulator runs (from code, the control API or the CLI):
 * pairing answers and failure modes of frame-protocol §1.5, §2.4, §4, §7.
 */
export interface SimSwitches {
  /** §1.5: `auto` pairs at once; otherwise a prompt answered after `promptDelayMs`. */
  pairing: 'auto' | 'accept' | 'deny' | 'timeout';
  promptDelayMs: number;
  /** §7 Q9: socket and pings fine, no replies (broadcasts still flow, as on 0.97). */
  appWedged: boolean;
  /** §7 Q9 (NW#18 memory leak): stop replying after this many requests until a power cycle; 0 = off. */
  stopReplyingAfter: number;
  /** §6.5: the TV drops every art client on this period (2020 set: ~200–240 s); 0 = off. */
  artDropEveryMs: number;
  /** §2.4, FAB#74: on abrupt power loss sockets stay half-open (no FIN, nothing delivered). */
  halfOpenOnPowerLoss: boolean;
  /**
   * §7 Q7 `get_thumbnail_list`: `error-1` always; `intermittent`: every
   * `thumbnailIntermittentEvery`-th request gets -1; `slow-empty`: the d2d socket closes after
   * `thumbnailSlowMs` with 0 bytes (FAB#14: ~11 s); `reset`: the d2d socket is reset (RST, no
   * FIN) in the middle of a record; `truncated`: a record is cut short, then the socket closes
   * normally (TMS `art.py`: connection resets and incomplete reads, §7 Q7).
   */
  thumbnailList: 'ok' | 'error-1' | 'intermittent' | 'slow-empty' | 'reset' | 'truncated';
  thumbnailIntermittentEvery: number;
  thumbnailSlowMs: number;
  /** §7 Q7: single `get_thumbnail` never answers (some 2024 units). */
  thumbnailSingle: 'ok' | 'silent';
  /** §7 Q7: Art Store (`SAM-*`) items not yet displayed have no thumbnail (-1). */
  uncachedStoreThumbnails: boolean;
  /** §4.3: uploads are stored but `image_added` never comes. */
  uploadNoImageAdded: boolean;
  /** §3.5, NW#7: wide mattes on portrait images are refused with -7. */
  portraitMatteRefusal: boolean;
  /**
   * §7 Q10: more than `churnMaxConnects` art connections within `churnWindowMs` are refused
   * for `churnRefuseMs`; 0 connects = off. No source gives the TV's figures.
   */
  churnMaxConnects: number;
  churnWindowMs: number;
  churnRefuseMs: number;
  /**
   * §3.2, traces `frame-2022-session*.jsonl`: how the art app orders the replies to requests one
   * client pipelines. `fifo`: arrival order. `trace`: while more than one request from the same
   * client waits, the newest is served first (the reversed runs of the 2022 captures, with
   * newcomers jumping ahead: the interleaved runs). Nothing is dropped unless `floodBacklogMax`
   * is set (§8 item 9: the captures that looked lossy ended while replies were still arriving).
   * A client that waits for each answer never has two waiting, so it sees no difference.
   */
  floodReplyOrder: 'fifo' | 'trace';
  /**
   * `trace` only: requests one client may have waiting before new ones are dropped unanswered;
   * 0 (the default) = no cap. For testing a client's timeouts against a lossy flood.
   */
  floodBacklogMax: number;
  /** §2.3, NW#18: new art clients get `connect` and nothing else; requests go unanswered. */
  artNeverServes: boolean;
  /** §2.3, TAV#519: the art app is absent: no host in `clients`, no `ready`, nothing answers. */
  artAppAbsent: boolean;
  /** §2.3, FAB#263: after standby→wake the plain (8001) art port becomes a zombie until off/on. */
  zombieAfterWake: boolean;
  /**
   * §3.3: requests to answer with -10 TEMPORARILY_UNAVAILABLE, by name, each entry once (a name
   * listed twice is refused twice); an entry is removed as it is used. No source shows when a
   * set says so; this lets a client's retry of the code be tested.
   */
  temporarilyUnavailable: string[];
}

export const DEFAULT_SWITCHES: SimSwitches = {
  pairing: 'auto',
  promptDelayMs: 5000,
  appWedged: false,
  stopReplyingAfter: 0,
  artDropEveryMs: 0,
  halfOpenOnPowerLoss: false,
  thumbnailList: 'ok',
  thumbnailIntermittentEvery: 3,
  thumbnailSlowMs: 11_000,
  thumbnailSingle: 'ok',
  uncachedStoreThumbnails: false,
  uploadNoImageAdded: false,
  portraitMatteRefusal: true,
  churnMaxConnects: 0,
  churnWindowMs: 10_000,
  churnRefuseMs: 30_000,
  floodReplyOrder: 'fifo',
  floodBacklogMax: 0,
  artNeverServes: false,
  artAppAbsent: false,
  zombieAfterWake: false,
  temporarilyUnavailable: [],
};

const ms = z.number().int().min(0).max(86_400_000);

/** A partial switch set, as the control API and `--switch` accept it (unknown keys refused). */
export const switchesPatchSchema = z.strictObject({
  pairing: z.enum(['auto', 'accept', 'deny', 'timeout']).optional(),
  promptDelayMs: ms.optional(),
  appWedged: z.boolean().optional(),
  stopReplyingAfter: z.number().int().min(0).optional(),
  artDropEveryMs: ms.optional(),
  halfOpenOnPowerLoss: z.boolean().optional(),
  thumbnailList: z
    .enum(['ok', 'error-1', 'intermittent', 'slow-empty', 'reset', 'truncated'])
    .optional(),
  thumbnailIntermittentEvery: z.number().int().min(1).optional(),
  thumbnailSlowMs: ms.optional(),
  thumbnailSingle: z.enum(['ok', 'silent']).optional(),
  uncachedStoreThumbnails: z.boolean().optional(),
  uploadNoImageAdded: z.boolean().optional(),
  portraitMatteRefusal: z.boolean().optional(),
  churnMaxConnects: z.number().int().min(0).optional(),
  churnWindowMs: ms.optional(),
  churnRefuseMs: ms.optional(),
  floodReplyOrder: z.enum(['fifo', 'trace']).optional(),
  floodBacklogMax: z.number().int().min(0).optional(),
  artNeverServes: z.boolean().optional(),
  artAppAbsent: z.boolean().optional(),
  zombieAfterWake: z.boolean().optional(),
  temporarilyUnavailable: z.array(z.string().min(1)).optional(),
});

export type SwitchesPatch = z.infer<typeof switchesPatchSchema>;

/** Applies a patch, dropping keys whose value is undefined. */
export function applySwitches(target: SimSwitches, patch: Partial<SimSwitches>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) Object.assign(target, { [key]: value });
  }
}
