/**
 * Builds the effective configuration: defaults < options file (JSON, e.g. the add-on's
 * /data/options.json) < environment < command-line flags. Every problem is reported at once,
 * each with its path, as one `CONFIG_INVALID` error; a key the schema does not know is one too.
 */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import type { z } from 'zod';
import { DocentError } from '../errors.js';
import { formatIssues, requiredErrorMap, unknownOptionProblems } from './issues.js';
import { ACCEPTED_LOG_LEVELS, type Config, configSchema } from './schema.js';

export interface LoadConfigOptions {
  /** Command-line arguments without the node binary and script (`process.argv.slice(2)`). */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Default JSON options file (e.g. the add-on's /data/options.json); skipped when it does not
   * exist. `--options-file` or `DOCENT_OPTIONS_FILE` name one that must exist.
   */
  optionsFile?: string;
  /** Printed by `--version`. */
  version?: string;
}

/** `run` with the config, or `exit` with text for stdout (`--help`, `--version`). */
export type LoadConfigResult =
  | { action: 'run'; config: Config }
  | { action: 'exit'; output: string };

export interface ConfigErrorDetails {
  /**
   * True when the only problem is that no TV is configured: the add-on's fresh install (its
   * default is `tvs: []`), which the daemon reports and then waits out instead of exiting.
   */
  noTvOnly: boolean;
  /** The options file that was read, or null when none was (missing default, or none named). */
  optionsFile: string | null;
}

/** `CONFIG_INVALID` with one `path: message` line per problem in `problems`. */
export class ConfigError extends DocentError {
  readonly problems: string[];
  readonly noTvOnly: boolean;
  readonly optionsFile: string | null;

  constructor(problems: string[], details: Partial<ConfigErrorDetails> = {}) {
    super('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.noTvOnly = details.noTvOnly ?? false;
    this.optionsFile = details.optionsFile ?? null;
  }
}

type Json = Record<string, unknown>;

interface CliFlags {
  optionsFile?: string;
  mqttUrl?: string;
  tv?: string;
  tvName?: string;
  dataDir?: string;
  logLevel?: string;
}

/** Reads the file and parses everything; throws `ConfigError` listing every problem. */
export async function loadConfig(opts: LoadConfigOptions): Promise<LoadConfigResult> {
  const problems: string[] = [];
  const cli = parseCli(opts.argv, opts.version ?? '0.0.0');
  if (cli.kind === 'exit') return { action: 'exit', output: cli.output };
  if (cli.kind === 'error') problems.push(cli.message);

  const flags = cli.kind === 'flags' ? cli.flags : {};
  const namedFile = flags.optionsFile ?? (opts.env.DOCENT_OPTIONS_FILE?.trim() || undefined);
  const optionsFile = namedFile ?? opts.optionsFile;
  const file: OptionsFile = optionsFile
    ? await readOptionsFile(optionsFile, namedFile !== undefined)
    : { kind: 'absent' };
  const fromFile = file.kind === 'read' ? file.json : {};
  if (file.kind === 'failed') problems.push(file.problem);
  // Only the file can hold unknown keys: the env and flag layers build theirs from known names.
  problems.push(...unknownOptionProblems(fromFile, configSchema));

  let merged = deepMerge({}, fromFile);
  merged = applyLayer(merged, envLayer(opts.env));
  merged = applyLayer(merged, cliLayer(flags));

  const parsed = configSchema.safeParse(merged, { error: requiredErrorMap });
  const issues = parsed.success ? [] : parsed.error.issues;
  const noTvOnly = problems.length === 0 && issues.length === 1 && issues.every(isNoTvIssue);
  // A file that could not be read is the reason for "no TV" when nothing else named one.
  const reported = file.kind === 'failed' ? issues.filter((i) => !isNoTvIssue(i)) : issues;
  problems.push(...formatIssues(reported));
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(problems, {
      noTvOnly,
      optionsFile: file.kind === 'read' ? file.path : null,
    });
  }

  return { action: 'run', config: parsed.data };
}

/** The schema's `tvs` minimum: nothing configured a TV at all. */
function isNoTvIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'too_small' && issue.path.length === 1 && issue.path[0] === 'tvs';
}

/** One layer's values: plain keys deep-merged, `tv` patched onto the first TV. */
interface Layer {
  values: Json;
  tv: Json;
}

function envLayer(env: LoadConfigOptions['env']): Layer {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  return {
    values: compact({
      mqtt: compact({
        url: get('MQTT_URL'),
        username: get('MQTT_USERNAME'),
        password: env.MQTT_PASSWORD === '' ? undefined : env.MQTT_PASSWORD,
        base_topic: get('DOCENT_BASE_TOPIC'),
      }),
      data_dir: get('DOCENT_DATA_DIR'),
      log_level: get('LOG_LEVEL'),
      ai: compact({
        api_key: get('OPENAI_API_KEY'),
        base_url: get('OPENAI_BASE_URL'),
        model: get('DOCENT_AI_MODEL'),
      }),
    }),
    tv: compact({
      host: get('DOCENT_TV_HOST'),
      name: get('DOCENT_TV_NAME'),
      mac: get('DOCENT_TV_MAC'),
    }),
  };
}

function cliLayer(flags: CliFlags): Layer {
  return {
    values: compact({
      mqtt: compact({ url: flags.mqttUrl }),
      data_dir: flags.dataDir,
      log_level: flags.logLevel,
    }),
    tv: compact({ host: flags.tv, name: flags.tvName }),
  };
}

/** A TV given by env or flags patches the first configured TV, or becomes the only one. */
function applyLayer(base: Json, layer: Layer): Json {
  const merged = deepMerge(base, layer.values);
  if (Object.keys(layer.tv).length === 0) return merged;

  const tvs = Array.isArray(merged.tvs) ? [...merged.tvs] : [];
  const first: unknown = tvs[0];
  if (isPlainObject(first)) {
    tvs[0] = { ...first, ...layer.tv };
  } else {
    // A TV defined only by host still needs a name; HA shows it as the device name.
    tvs[0] = { name: 'The Frame', ...layer.tv };
  }

  return { ...merged, tvs };
}

type CliOutcome =
  | { kind: 'flags'; flags: CliFlags }
  | { kind: 'exit'; output: string }
  | { kind: 'error'; message: string };

function parseCli(argv: readonly string[], version: string): CliOutcome {
  let output = '';
  const program = new Command('docent')
    .description('Samsung The Frame art mode for Home Assistant, over MQTT')
    .version(version, '-V, --version')
    .option('--options-file <file>', 'JSON options file (env DOCENT_OPTIONS_FILE)')
    .option('--mqtt-url <url>', 'MQTT broker URL (env MQTT_URL)')
    .option('--tv <host>', 'TV host name or IP address (env DOCENT_TV_HOST)')
    .option('--tv-name <name>', 'TV name shown in Home Assistant (env DOCENT_TV_NAME)')
    .option('--data-dir <dir>', 'where the cache and tokens live (env DOCENT_DATA_DIR)')
    .option('--log-level <level>', `${ACCEPTED_LOG_LEVELS.join('|')} (env LOG_LEVEL)`)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        output += text;
      },
      writeErr: () => {},
    });

  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') {
        return { kind: 'exit', output };
      }
      return { kind: 'error', message: `command line: ${err.message.replace(/^error: /, '')}` };
    }
    throw err;
  }

  return { kind: 'flags', flags: readFlags(program.opts()) };
}

function readFlags(raw: Record<string, unknown>): CliFlags {
  const str = (key: string) => (typeof raw[key] === 'string' ? raw[key] : undefined);

  return {
    optionsFile: str('optionsFile'),
    mqttUrl: str('mqttUrl'),
    tv: str('tv'),
    tvName: str('tvName'),
    dataDir: str('dataDir'),
    logLevel: str('logLevel'),
  };
}

type OptionsFile =
  | { kind: 'absent' }
  | { kind: 'read'; path: string; json: Json }
  | { kind: 'failed'; problem: string };

async function readOptionsFile(file: string, mustExist: boolean): Promise<OptionsFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (isMissingFile(err) && !mustExist) return { kind: 'absent' };
    return { kind: 'failed', problem: `options file ${file}: cannot be read` };
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: 'failed', problem: `options file ${file}: not valid JSON${where(text, err)}` };
  }
  if (!isPlainObject(json)) {
    return { kind: 'failed', problem: `options file ${file}: must hold a JSON object` };
  }

  return { kind: 'read', path: file, json };
}

/**
 * ` at line L, column C` from the parser's `at position N`, when it gives one. The parser's own
 * message is never repeated: newer ones quote the file, and the file may hold a password.
 */
function where(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (/end of JSON input/.test(message)) return ' (it ends too early)';
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position === undefined) return '';

  const before = text.slice(0, Number(position)).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;

  return ` at line ${line}, column ${column}`;
}

function deepMerge(base: Json, over: Json): Json {
  const result: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = result[key];
    result[key] =
      isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }

  return result;
}

/** Drops undefined values and empty objects, so an unset layer changes nothing. */
function compact(values: Record<string, unknown>): Json {
  const result: Json = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (isPlainObject(value) && Object.keys(value).length === 0) continue;
    result[key] = value;
  }

  return result;
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMissingFile(err: unknown): boolean {
  // Not `instanceof Error`: fs errors may come from another realm (e.g. a test VM context).
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
}
