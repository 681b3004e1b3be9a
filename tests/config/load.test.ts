import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError, type LoadConfigOptions, loadConfig } from '../../src/config/load.js';
import { redactConfig, stripUrlCredentials } from '../../src/config/redact.js';
import type { Config } from '../../src/config/schema.js';
import { REPO_ROOT } from '../packaging/daemon.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'docent-config-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function optionsFile(content: unknown): Promise<string> {
  const file = path.join(dir, 'options.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));

  return file;
}

async function load(opts: Partial<LoadConfigOptions>): Promise<Config> {
  const result = await loadConfig({ argv: [], env: {}, ...opts });
  if (result.action !== 'run') throw new Error(`unexpected exit: ${result.output}`);

  return result.config;
}

async function errorOf(opts: Partial<LoadConfigOptions>): Promise<ConfigError> {
  try {
    await loadConfig({ argv: [], env: {}, ...opts });
  } catch (err) {
    if (err instanceof ConfigError) {
      expect(err.code).toBe('CONFIG_INVALID');
      return err;
    }
    throw err;
  }
  throw new Error('config was accepted');
}

async function problemsOf(opts: Partial<LoadConfigOptions>): Promise<string[]> {
  return (await errorOf(opts)).problems;
}

describe('loadConfig', () => {
  it('fills every default around the one required TV', async () => {
    const config = await load({ argv: ['--tv', '192.168.1.20'] });

    expect(config).toEqual({
      mqtt: {
        url: 'mqtt://localhost:1883',
        base_topic: 'docent',
        discovery_prefix: 'homeassistant',
        ha_status_topic: 'homeassistant/status',
        discovery_mode: 'device',
      },
      tvs: [{ id: 'the_frame', name: 'The Frame', host: '192.168.1.20', port: 8002, secure: true }],
      data_dir: './.data',
      log_level: 'info',
      thumbnails: { max_width_px: 320, chunk_target_ms: 600 },
      ai: {
        model: 'gpt-4o-mini',
        language: 'en',
        describe_catalogue: false,
        concurrency: 2,
        requests_per_minute: 20,
      },
    });
  });

  it('takes the OpenAI key from the environment and keeps it out of the redacted copy', async () => {
    const config = await load({
      argv: ['--tv', '192.168.1.20'],
      env: { OPENAI_API_KEY: 'sk-test-secret', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });

    expect(config.ai).toMatchObject({
      api_key: 'sk-test-secret',
      base_url: 'http://127.0.0.1:9/v1',
    });
    expect(JSON.stringify(redactConfig(config))).not.toContain('sk-test-secret');
  });

  it('refuses an MQTT password without a user name, which brokers drop without a word', async () => {
    await expect(load({ argv: ['--tv', 'h'], env: { MQTT_PASSWORD: 'pw' } })).rejects.toThrow(
      /mqtt\.password: needs mqtt\.username/,
    );
    const inUrl = await load({
      argv: ['--tv', 'h'],
      env: { MQTT_URL: 'mqtt://user@broker:1883', MQTT_PASSWORD: 'pw' },
    });
    expect(inUrl.mqtt.password).toBe('pw');
  });

  it('names the options file given with --options-file when it does not exist', async () => {
    await expect(
      load({ argv: ['--tv', 'h', '--options-file', '/nonexistent/options.json'] }),
    ).rejects.toThrow(/options file \/nonexistent\/options.json: cannot be read/);
  });

  it('layers defaults < options file < env < CLI flags', async () => {
    const file = await optionsFile({
      mqtt: { url: 'mqtt://file:1883', username: 'file-user', base_topic: 'from_file' },
      tvs: [{ name: 'Living Room', host: '10.0.0.1', mac: 'AA-BB-CC-DD-EE-FF' }],
      data_dir: '/data',
      log_level: 'debug',
      thumbnails: { max_width_px: 480 },
    });
    const env = {
      MQTT_URL: 'mqtt://env:1883',
      MQTT_PASSWORD: 'pw',
      DOCENT_TV_HOST: '10.0.0.2',
      DOCENT_DATA_DIR: '/env-data',
      LOG_LEVEL: 'warning',
      DOCENT_BASE_TOPIC: 'from_env',
    };
    const argv = ['--mqtt-url', 'mqtt://cli:1883', '--tv-name', 'Bedroom', '--log-level', 'trace'];

    const config = await load({ optionsFile: file, env, argv });

    expect(config.mqtt).toEqual({
      url: 'mqtt://cli:1883',
      username: 'file-user',
      password: 'pw',
      base_topic: 'from_env',
      discovery_prefix: 'homeassistant',
      ha_status_topic: 'homeassistant/status',
      discovery_mode: 'device',
    });
    // Env and flags patch the file's first TV; its id derives from the final name.
    expect(config.tvs).toEqual([
      {
        id: 'bedroom',
        name: 'Bedroom',
        host: '10.0.0.2',
        port: 8002,
        secure: true,
        mac: 'aa:bb:cc:dd:ee:ff',
      },
    ]);
    expect(config.data_dir).toBe('/env-data');
    expect(config.log_level).toBe('trace');
    expect(config.thumbnails).toEqual({ max_width_px: 480, chunk_target_ms: 600 });
  });

  it('keeps an explicit TV id when the name changes', async () => {
    const file = await optionsFile({
      tvs: [{ id: 'frame_1', name: 'Living Room', host: 'frame.local' }],
    });

    const config = await load({ optionsFile: file, env: { DOCENT_TV_NAME: 'Salon' } });

    expect(config.tvs[0]).toMatchObject({ id: 'frame_1', name: 'Salon' });
  });

  it('ignores empty environment values', async () => {
    const config = await load({
      argv: ['--tv', 'frame.local'],
      env: { MQTT_URL: '', LOG_LEVEL: '  ' },
    });

    expect(config.mqtt.url).toBe('mqtt://localhost:1883');
    expect(config.log_level).toBe('info');
  });

  it('skips a missing options file', async () => {
    const config = await load({ optionsFile: path.join(dir, 'absent.json'), argv: ['--tv', 'h'] });

    expect(config.tvs).toHaveLength(1);
  });

  it('reports every problem at once, each with its path', async () => {
    const file = await optionsFile({
      mqtt: { url: 'http://broker', base_topic: 'a/+/b' },
      tvs: [{ name: 'A', host: 'ok.local', port: 0 }, { mac: 'nope' }, { name: 'a', host: 'x' }],
      log_level: 'loud',
      thumbnails: { max_width_px: 'big' },
    });

    const problems = await problemsOf({ optionsFile: file });

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mqtt\.url: must be a broker URL/),
        expect.stringMatching(/^mqtt\.base_topic: /),
        expect.stringMatching(/^tvs\.0\.port: /),
        'tvs.1.name: required',
        'tvs.1.host: required',
        expect.stringMatching(/^tvs\.1\.mac: must be a MAC address/),
        expect.stringMatching(/^log_level: /),
        expect.stringMatching(/^thumbnails\.max_width_px: /),
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it('flags duplicate TV ids', async () => {
    const file = await optionsFile({
      tvs: [
        { name: 'Frame', host: 'a' },
        { name: 'frame', host: 'b' },
      ],
    });

    expect(await problemsOf({ optionsFile: file })).toEqual(['tvs.1.id: duplicate TV id "frame"']);
  });

  it('requires at least one TV', async () => {
    expect(await problemsOf({})).toEqual([
      expect.stringMatching(/^tvs: at least one TV is required/),
    ]);
  });

  it('reports a broken options file together with the other problems', async () => {
    const file = await optionsFile('{ not json');

    const problems = await problemsOf({ optionsFile: file, argv: ['--log-level', 'loud'] });

    // No "tvs: at least one TV" line: the broken file was the only place a TV could come from.
    expect(problems).toEqual([
      `options file ${file}: not valid JSON at line 1, column 3`,
      expect.stringMatching(/^log_level: /),
    ]);
  });

  it.each([
    [
      '{\n  "mqtt": {\n    "url": "mqtt://h:1883"\n    "username": "u"\n  }\n}',
      'at line 4, column 5',
    ],
    ['{"tvs": []} trailing', 'at line 1, column 13'],
    ['{"tvs": [', '(it ends too early)'],
  ])('points at the spot where the options file stops being JSON: %j', async (text, spot) => {
    const file = await optionsFile(text);

    const problems = await problemsOf({ optionsFile: file, argv: ['--tv', 'h'] });

    expect(problems).toEqual([`options file ${file}: not valid JSON ${spot}`]);
  });

  it('never repeats the text of a broken options file, which may hold a password', async () => {
    const file = await optionsFile('{"mqtt": {"password": "hunter2",}}');

    const problems = await problemsOf({ optionsFile: file, argv: ['--tv', 'h'] });

    expect(problems).toEqual([expect.stringMatching(/: not valid JSON/)]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('still asks for a TV when the options file was read but named none', async () => {
    const file = await optionsFile({ tvs: [] });

    expect(await problemsOf({ optionsFile: file })).toEqual([
      expect.stringMatching(/^tvs: at least one TV is required/),
    ]);
  });

  it('rejects unknown and misspelt options, by path, with a suggestion', async () => {
    const file = await optionsFile({
      mqtt: { urll: 'mqtt://broker:1883' },
      loglevel: 'debug',
      tvs: [{ name: 'Frame', host: 'frame.local', hots: 'x' }],
      thumbnails: { max_width: 400 },
      ai: { modle: 'gpt-4o' },
      colour: 'blue',
    });

    const problems = await problemsOf({ optionsFile: file });

    expect(problems).toEqual([
      'mqtt.urll: unknown option (did you mean mqtt.url?)',
      'loglevel: unknown option (did you mean log_level?)',
      'tvs.0.hots: unknown option (did you mean tvs.0.host?)',
      'thumbnails.max_width: unknown option (did you mean thumbnails.max_width_px?)',
      'ai.modle: unknown option (did you mean ai.model?)',
      'colour: unknown option',
    ]);
  });

  it('reports unknown options together with every other problem', async () => {
    const file = await optionsFile({ mqtt: { urll: 'x', url: 'http://nope' }, log_level: 'loud' });

    const problems = await problemsOf({ optionsFile: file });

    expect(problems).toEqual([
      'mqtt.urll: unknown option (did you mean mqtt.url?)',
      expect.stringMatching(/^mqtt\.url: must be a broker URL/),
      expect.stringMatching(/^tvs: at least one TV is required/),
      expect.stringMatching(/^log_level: /),
    ]);
  });

  it("rejects an unknown key in the add-on's own options file too", async () => {
    const manifest = z
      .object({ options: z.record(z.string(), z.unknown()) })
      .parse(parse(await readFile(path.join(REPO_ROOT, 'addon/config.yaml'), 'utf8')));
    const file = await optionsFile({
      ...manifest.options,
      tvs: [{ name: 'Frame', host: 'frame.local' }],
      mqtt_url: 'mqtt://old-option:1883',
    });

    expect(await problemsOf({ optionsFile: file })).toEqual(['mqtt_url: unknown option']);
    // The add-on's defaults themselves are all known options.
    await expect(
      load({
        optionsFile: await optionsFile({ ...manifest.options, tvs: [{ name: 'F', host: 'h' }] }),
      }),
    ).resolves.toMatchObject({ tvs: [{ id: 'f' }] });
  });

  it('lists every accepted log level, the add-on aliases included, when one is wrong', async () => {
    const [problem] = await problemsOf({ argv: ['--tv', 'h', '--log-level', 'loud'] });

    expect(problem).toBe(
      'log_level: must be one of trace, debug, info, notice, warn, warning, error, fatal, silent',
    );
    for (const level of ['notice', 'warning', 'warn', 'silent']) {
      await expect(load({ argv: ['--tv', 'h', '--log-level', level] })).resolves.toBeDefined();
    }
  });

  it('marks "no TV configured" as the only problem, so the add-on can wait for one', async () => {
    const file = await optionsFile({ tvs: [], log_level: 'info' });

    const alone = await errorOf({ optionsFile: file });
    const withOthers = await errorOf({ optionsFile: file, argv: ['--log-level', 'loud'] });
    const brokenFile = await errorOf({ optionsFile: await optionsFile('{') });

    expect(alone).toMatchObject({ noTvOnly: true, optionsFile: file });
    expect(withOthers).toMatchObject({ noTvOnly: false, optionsFile: file });
    expect(brokenFile).toMatchObject({ noTvOnly: false, optionsFile: null });
  });

  it('reports an unknown flag', async () => {
    const problems = await problemsOf({ argv: ['--tv', 'h', '--colour'] });

    expect(problems[0]).toMatch(/^command line: unknown option '--colour'/);
  });

  it('answers --help and --version without a config', async () => {
    const help = await loadConfig({ argv: ['--help'], env: {} });
    const version = await loadConfig({ argv: ['--version'], env: {}, version: '1.2.3' });

    expect(help).toEqual({ action: 'exit', output: expect.stringContaining('--mqtt-url <url>') });
    expect(version).toEqual({ action: 'exit', output: '1.2.3\n' });
  });

  it('never echoes the broker URL in its error', async () => {
    const problems = await problemsOf({
      env: { MQTT_URL: 'http://u:hunter2@broker' },
      argv: ['--tv', 'h'],
    });

    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

describe('redactConfig', () => {
  it('hides the password and URL credentials and leaves the input alone', async () => {
    const config = await load({
      env: { MQTT_URL: 'mqtts://docent:s3cret@broker.lan:8883', MQTT_PASSWORD: 'pw-2' },
      argv: ['--tv', 'h'],
    });

    const safe = redactConfig(config);

    expect(safe.mqtt.password).toBe('[redacted]');
    expect(safe.mqtt.url).toBe('mqtts://broker.lan:8883');
    expect(JSON.stringify(safe)).not.toMatch(/s3cret|pw-2/);
    expect(config.mqtt.password).toBe('pw-2');
    expect(config.mqtt.url).toBe('mqtts://docent:s3cret@broker.lan:8883');
  });

  it('leaves an unset password unset', async () => {
    const config = await load({ argv: ['--tv', 'h'] });

    expect(redactConfig(config).mqtt).not.toHaveProperty('password');
  });

  it.each([
    ['mqtt://user:pw@host:1883', 'mqtt://host:1883'],
    ['mqtt://host:1883', 'mqtt://host:1883'],
    ['not a url //user:pw@host', 'not a url //host'],
  ])('strips credentials from %s', (raw, expected) => {
    expect(stripUrlCredentials(raw)).toBe(expected);
  });
});
