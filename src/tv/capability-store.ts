import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { DocentError } from '../errors.js';

/** Why a request is held to be unsupported: error -9, repeated -1, or silence on a live channel. */
export type UnsupportedReason = 'not_supported' | 'system_fail' | 'silence';

export interface RequestObservation {
  support: 'supported' | 'unsupported';
  reason: UnsupportedReason | null;
  /** ISO time of the observation. */
  at: string;
}

/** What Docent learned about one TV; kept between runs so entities stay hidden after a restart. */
export interface CapabilitySnapshot {
  apiVersion: string | null;
  model: string | null;
  /** For Wake-on-LAN, read from REST `wifiMac` (§1.2) and kept for when the TV is off. */
  mac: string | null;
  /** Which slideshow request family the TV answered (§3.4: `auto_rotation` on old firmware). */
  slideshowApi: 'slideshow' | 'auto_rotation' | null;
  /** Whether the art channel needed the pairing token in its URL (§1.6). */
  artToken: 'without' | 'with' | null;
  requests: Record<string, RequestObservation>;
}

export function emptySnapshot(): CapabilitySnapshot {
  return {
    apiVersion: null,
    model: null,
    mac: null,
    slideshowApi: null,
    artToken: null,
    requests: {},
  };
}

export interface CapabilityStore {
  load(): Promise<CapabilitySnapshot | null>;
  save(snapshot: CapabilitySnapshot): Promise<void>;
}

const observationSchema = z.object({
  support: z.enum(['supported', 'unsupported']),
  reason: z.enum(['not_supported', 'system_fail', 'silence']).nullable(),
  at: z.string(),
});

/** On disk the keys are snake_case, like everything a user may read (style.md). */
const fileSchema = z.object({
  version: z.literal(1),
  api_version: z.string().nullable(),
  model: z.string().nullable(),
  mac: z.string().nullable(),
  slideshow_api: z.enum(['slideshow', 'auto_rotation']).nullable(),
  art_token: z.enum(['without', 'with']).nullable().default(null),
  requests: z.record(z.string(), observationSchema),
});

/** `<dataDir>/tvs/<tvId>/capabilities.json`, written atomically. */
export class FileCapabilityStore implements CapabilityStore {
  readonly filePath: string;

  constructor(options: { dataDir: string; tvId: string }) {
    this.filePath = path.join(options.dataDir, 'tvs', options.tvId, 'capabilities.json');
  }

  async load(): Promise<CapabilitySnapshot | null> {
    let text: string;
    try {
      text = await readFile(this.filePath, 'utf8');
    } catch (err) {
      if (z.object({ code: z.literal('ENOENT') }).safeParse(err).success) {
        return null;
      }
      throw new DocentError('CAPABILITIES_READ_FAILED', `cannot read ${this.filePath}`, {
        cause: err,
      });
    }

    const parsed = fileSchema.safeParse(parseOrUndefined(text));
    if (!parsed.success) {
      throw new DocentError('CAPABILITIES_FILE_INVALID', `${this.filePath} is not valid`, {
        cause: parsed.error,
      });
    }
    const file = parsed.data;

    return {
      apiVersion: file.api_version,
      model: file.model,
      mac: file.mac,
      slideshowApi: file.slideshow_api,
      artToken: file.art_token,
      requests: file.requests,
    };
  }

  async save(snapshot: CapabilitySnapshot): Promise<void> {
    const file: z.input<typeof fileSchema> = {
      version: 1,
      api_version: snapshot.apiVersion,
      model: snapshot.model,
      mac: snapshot.mac,
      slideshow_api: snapshot.slideshowApi,
      art_token: snapshot.artToken,
      requests: snapshot.requests,
    };
    await mkdir(path.dirname(this.filePath), { recursive: true, mode: 0o700 });

    await writeFileAtomic(this.filePath, `${JSON.stringify(file, null, 2)}\n`);
  }
}

export class MemoryCapabilityStore implements CapabilityStore {
  saved: CapabilitySnapshot | null = null;

  constructor(initial: CapabilitySnapshot | null = null) {
    this.saved = initial;
  }

  async load(): Promise<CapabilitySnapshot | null> {
    return this.saved ? structuredClone(this.saved) : null;
  }

  async save(snapshot: CapabilitySnapshot): Promise<void> {
    this.saved = structuredClone(snapshot);
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
