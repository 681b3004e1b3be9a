import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Paths pino blanks wherever they appear in a log record. Secrets never reach a log line. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'api_key',
  '*.api_key',
  'apiKey',
  '*.apiKey',
  'mqtt.password',
  'ai.api_key',
  'config.mqtt.password',
  'config.ai.api_key',
];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * The root logger. Each subsystem takes `logger.child({ component })`.
 * `destination` lets tests capture records from a stream.
 */
export function createLogger(
  level: LogLevel = 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { name: 'docent' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };

  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
