import type { BridgeOptions } from '../bridge.js';
import type { Config } from './schema.js';

/** The daemon's configuration (snake_case, as users write it) in the bridge's terms. */
export function bridgeOptionsFrom(config: Config, version: string): BridgeOptions {
  return {
    mqtt: {
      url: config.mqtt.url,
      username: config.mqtt.username,
      password: config.mqtt.password,
      baseTopic: config.mqtt.base_topic,
      discoveryPrefix: config.mqtt.discovery_prefix,
      haStatusTopic: config.mqtt.ha_status_topic,
      discoveryMode: config.mqtt.discovery_mode,
    },
    tvs: config.tvs.map((tv) => ({
      id: tv.id,
      name: tv.name,
      host: tv.host,
      port: tv.port,
      secure: tv.secure,
      mac: tv.mac,
    })),
    dataDir: config.data_dir,
    version,
    thumbnails: {
      maxWidthPx: config.thumbnails.max_width_px,
      chunkTargetMs: config.thumbnails.chunk_target_ms,
    },
    ai: config.ai.api_key
      ? {
          apiKey: config.ai.api_key,
          baseUrl: config.ai.base_url,
          model: config.ai.model,
          language: config.ai.language,
          instruction: config.ai.instruction,
          describeCatalogue: config.ai.describe_catalogue,
          dailyTokenBudget: config.ai.daily_token_budget,
          monthlyTokenBudget: config.ai.monthly_token_budget,
          concurrency: config.ai.concurrency,
          requestsPerMinute: config.ai.requests_per_minute,
        }
      : null,
  };
}
