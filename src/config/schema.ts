/**
 * Docent's configuration: one zod schema with its defaults. Keys are snake_case, as users write
 * them in the add-on options, the options file and the docs.
 */
import { z } from 'zod';
import { sanitizeId } from '../mqtt/topics.js';

/** Dotted paths of secret values: never logged, never echoed back (see redact.ts). */
export const SECRET_PATHS = ['mqtt.password', 'ai.api_key'] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every `log_level` value accepted, pino's levels plus the add-on convention's aliases. */
export const ACCEPTED_LOG_LEVELS = [
  'trace',
  'debug',
  'info',
  'notice',
  'warn',
  'warning',
  'error',
  'fatal',
  'silent',
] as const;

const BROKER_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'tls:', 'ssl:', 'ws:', 'wss:']);

// Error messages never echo the URL: it may carry a password.
const brokerUrl = z.string().refine(isBrokerUrl, 'must be a broker URL like mqtt://host:1883');

const topicPath = z
  .string()
  .min(1)
  .refine(
    (topic) => !/[+#]/.test(topic) && !topic.split('/').some((level) => level === ''),
    'must be a topic without wildcards or empty levels',
  );

const nonBlank = z.string().trim().min(1, 'must not be empty');

const mac = z
  .string()
  .regex(/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/, 'must be a MAC address like aa:bb:cc:dd:ee:ff')
  .transform((value) => value.toLowerCase().replace(/-/g, ':'));

const host = nonBlank.refine(
  (value) => /^[A-Za-z0-9._:[\]-]+$/.test(value),
  'must be a host name or IP address (no scheme, port or path)',
);

// The add-on convention (`warning`, `notice`) maps onto pino's levels.
export const logLevel = z.preprocess(
  (value) => (value === 'warning' ? 'warn' : value === 'notice' ? 'info' : value),
  z.enum(LOG_LEVELS, { error: `must be one of ${ACCEPTED_LOG_LEVELS.join(', ')}` }),
);

const tvSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9_-]+$/, 'must be lower-case letters, digits, _ or -')
      .optional(),
    name: nonBlank,
    host,
    port: z.number().int().min(1).max(65_535).default(8002),
    secure: z.boolean().default(true),
    mac: mac.optional(),
  })
  .transform((tv) => ({ ...tv, id: tv.id ?? sanitizeId(tv.name) }));

export const configSchema = z.object({
  mqtt: z
    .object({
      url: brokerUrl.default('mqtt://localhost:1883'),
      username: z.string().min(1).optional(),
      password: z.string().optional(),
      base_topic: topicPath.default('docent'),
      discovery_prefix: topicPath.default('homeassistant'),
      ha_status_topic: topicPath.default('homeassistant/status'),
      /**
       * `device`: one discovery message per TV (HA 2024.11+). `component`: one per entity, for
       * older HA; the unique ids are the same, so switching keeps entity settings.
       */
      discovery_mode: z.enum(['device', 'component']).default('device'),
    })
    .superRefine((mqtt, ctx) => {
      // MQTT has no password without a user name; brokers drop such a connect without a word.
      if (mqtt.password && !mqtt.username && !urlUsername(mqtt.url)) {
        ctx.addIssue({
          code: 'custom',
          path: ['password'],
          message: 'needs mqtt.username (MQTT_USERNAME) as well',
        });
      }
    })
    .prefault({}),
  tvs: z
    .array(tvSchema)
    .min(1, 'at least one TV is required (tvs, DOCENT_TV_HOST or --tv)')
    .superRefine((tvs, ctx) => {
      const seen = new Set<string>();
      tvs.forEach((tv, index) => {
        if (seen.has(tv.id)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'id'],
            message: `duplicate TV id "${tv.id}"`,
          });
        }
        seen.add(tv.id);
      });
    })
    .prefault([]),
  data_dir: nonBlank.default('./.data'),
  log_level: logLevel.default('info'),
  thumbnails: z
    .object({
      max_width_px: z.number().int().min(16).max(4096).default(320),
      chunk_target_ms: z.number().int().min(100).max(60_000).default(600),
    })
    .prefault({}),
  /** Artwork descriptions; everything AI stays off without an API key. */
  ai: z
    .object({
      api_key: z.string().min(1).optional(),
      base_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
      model: nonBlank.default('gpt-4o-mini'),
      language: nonBlank.default('en'),
      instruction: z.string().max(2000).optional(),
      describe_catalogue: z.boolean().default(false),
      daily_token_budget: z.number().int().positive().optional(),
      monthly_token_budget: z.number().int().positive().optional(),
      /** Requests to the AI service in flight at once, per TV. */
      concurrency: z.number().int().min(1).max(16).default(2),
      requests_per_minute: z.number().int().min(1).max(600).default(20),
    })
    .prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type TvConfig = Config['tvs'][number];
export type MqttConfig = Config['mqtt'];

function urlUsername(value: string): string {
  try {
    return new URL(value).username;
  } catch {
    return '';
  }
}

function isBrokerUrl(value: string): boolean {
  try {
    const url = new URL(value);

    return BROKER_PROTOCOLS.has(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}
