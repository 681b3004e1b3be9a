/**
 * No Docker engine and no hadolint here (not in Debian's archive; the npm `hadolint` wrapper
 * downloads the binary from GitHub at run time, which this network does not reach), so the
 * Dockerfiles go through dockerfile-utils' validator (the syntax checks of the VS Code Docker
 * extension, pure JavaScript) and are parsed and held to the rules of issue #8 and the usual lint
 * rules (exec form, no `latest`, no curl, …).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from './daemon.js';
import {
  type Dockerfile,
  execForm,
  type Instruction,
  nodeMajor,
  parseDockerfile,
  type Stage,
} from './dockerfile.js';

const read = (file: string) => readFile(path.join(REPO_ROOT, file), 'utf8');

const root = parseDockerfile(await read('Dockerfile'));
const addon = parseDockerfile(await read('addon/Dockerfile'));
const readme = await read('README.md');

function finalStage(file: Dockerfile): Stage {
  const stage = file.stages.at(-1);
  if (!stage) throw new Error('no FROM');

  return stage;
}

function only(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

function last(stage: Stage, keyword: string): Instruction {
  const found = only(stage, keyword).at(-1);
  if (!found) throw new Error(`no ${keyword} in the stage from ${stage.image}`);

  return found;
}

/** `ENV A=1 B=2` (the only ENV form we use) as a map. */
function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const instruction of only(stage, 'ENV')) {
    for (const pair of instruction.args.split(/\s+/)) {
      const [key, value = ''] = pair.split('=', 2);
      if (key) env.set(key, value);
    }
  }

  return env;
}

describe.each([
  ['Dockerfile', root],
  ['addon/Dockerfile', addon],
])('%s', (name, file) => {
  const runtime = finalStage(file);

  test('has no syntax problems', async () => {
    const problems = validate(await read(name)).map(
      (d) => `line ${d.range.start.line + 1}: ${d.message}`,
    );

    expect(problems).toEqual([]);
  });

  test('runs on Node 22 LTS or newer, from a pinned major, never `latest`', () => {
    for (const stage of file.stages) {
      expect(stage.image).not.toMatch(/:latest$|^[^:]+$/);
      expect(nodeMajor(stage.image)).toBeGreaterThanOrEqual(22);
    }
  });

  test('starts node in exec form, so SIGTERM reaches Docent and not a shell', () => {
    const start = only(runtime, 'ENTRYPOINT').at(-1) ?? last(runtime, 'CMD');
    const argv = execForm(start.args);

    expect(argv).not.toBeNull();
    expect(argv?.[0]).toMatch(/^(node|docent)$/);
    for (const stop of only(runtime, 'STOPSIGNAL')) expect(stop.args).toBe('SIGTERM');
  });

  test('HEALTHCHECK runs the heartbeat check with node, not curl or wget', () => {
    const check = last(runtime, 'HEALTHCHECK');
    const argv = execForm(check.args);

    expect(argv?.[0]).toBe('node');
    expect(argv?.at(-1)).toMatch(/dist\/health-check\.js$/);
    expect(check.args).not.toMatch(/curl|wget/);
  });

  test('keeps data in /data and the heartbeat out of it', () => {
    const env = envOf(runtime);

    expect(env.get('DOCENT_DATA_DIR')).toBe('/data');
    expect(env.get('DOCENT_HEALTH_FILE')).toMatch(/^\/tmp\//);
    expect(env.get('NODE_ENV')).toBe('production');
  });

  test('installs production dependencies only in the image that ships', () => {
    const installs = file.all.filter(
      (i) => i.keyword === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args),
    );
    const shipped = installs.filter((i) => runtimeSources(file).includes(stageOf(file, i)));

    expect(shipped.length).toBeGreaterThan(0);
    for (const install of shipped) {
      expect(install.args).toContain('--omit=dev');
      expect(install.args).toMatch(/npm cache clean --force/);
    }
  });

  test('passes the usual lint rules', () => {
    for (const instruction of file.all) {
      if (instruction.keyword === 'WORKDIR') expect(instruction.args).toMatch(/^\//);
      if (instruction.keyword === 'RUN') {
        expect(instruction.args).not.toMatch(/\bsudo\b|\bcd\s|apt-get upgrade|apk upgrade/);
        if (/\bapk add\b/.test(instruction.args)) expect(instruction.args).toContain('--no-cache');
      }
      if (instruction.keyword === 'ADD') throw new Error(`line ${instruction.line}: use COPY`);
      expect(instruction.keyword).not.toBe('MAINTAINER');
    }
  });
});

/** A Dockerfile build-arg reference, `${NAME}`. */
function argRef(name: string): string {
  return `\${${name}}`;
}

/** The stage an instruction belongs to. */
function stageOf(file: Dockerfile, instruction: Instruction): Stage | undefined {
  return file.stages.find((s) => s.instructions.includes(instruction));
}

/** The final stage plus the stages it copies node_modules from. */
function runtimeSources(file: Dockerfile): Array<Stage | undefined> {
  const runtime = finalStage(file);
  const sources = only(runtime, 'COPY')
    .filter((c) => c.args.includes('node_modules'))
    .map((c) => /--from=(\S+)/.exec(c.args)?.[1])
    .map((name) => file.stages.find((s) => s.name === name));

  return [runtime, ...sources];
}

describe('the standalone image (Dockerfile)', () => {
  const runtime = finalStage(root);

  test('is multi-stage: the runtime copies built files, it does not build', () => {
    expect(root.stages.length).toBeGreaterThanOrEqual(2);
    const copies = only(runtime, 'COPY');
    expect(copies.some((c) => c.args.includes('--from=') && c.args.includes('dist'))).toBe(true);
    const fromContext = copies.filter((c) => !c.args.includes('--from='));
    expect(fromContext.some((c) => /(^|\s)\.?\/?src\b/.test(c.args))).toBe(false);
    expect(only(runtime, 'RUN').some((r) => /npm run build|tsc/.test(r.args))).toBe(false);
  });

  test('runs as a non-root user and owns its data volume', () => {
    const user = last(runtime, 'USER').args;

    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(last(runtime, 'VOLUME').args).toContain('/data');
    expect(only(runtime, 'RUN').some((r) => r.args.includes(`chown ${user}`))).toBe(true);
  });

  test('sends only what the build needs to the Docker daemon (.dockerignore)', async () => {
    const ignore = await read('.dockerignore');
    const allowed = ignore
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).replace(/\/$/, ''));
    const copiedFromContext = root.all
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));

    expect(ignore.split('\n')).toContain('*');
    for (const source of copiedFromContext) expect(allowed).toContain(source);
  });
});

describe('the add-on image (addon/Dockerfile)', () => {
  const runtime = finalStage(addon);

  test('sets its own base: the Supervisor no longer passes BUILD_FROM', () => {
    expect(addon.globalArgs.get('BUILD_FROM')).toMatch(/^node:\d+-alpine/);
  });

  test('carries the io.hass labels', () => {
    const labels = only(runtime, 'LABEL')
      .map((l) => l.args)
      .join(' ');

    expect(labels).toContain('io.hass.type="app"');
    expect(labels).toContain(`io.hass.version="${argRef('BUILD_VERSION')}"`);
    expect(labels).toContain(`io.hass.arch="${argRef('BUILD_ARCH')}"`);
  });

  test('installs the release bundled in its folder, not a registry download', () => {
    const runs = only(runtime, 'RUN').map((r) => r.args);

    expect(only(runtime, 'COPY').map((c) => c.args)).toContain('docent.tgz /tmp/docent.tgz');
    expect(runs.some((r) => /npm install --global .*\/tmp\/docent\.tgz/.test(r))).toBe(true);
    // The Supervisor's build must not depend on a package the registry may not have (or that
    // someone else may publish under our name).
    expect(runs.some((r) => /\bdocent@/.test(r))).toBe(false);
    expect(runs.some((r) => r.includes(`= "${argRef('BUILD_VERSION')}"`))).toBe(true);
  });
});

describe('README', () => {
  const envTable = new Set(
    [...readme.matchAll(/\|[^|\n]*\|\s*`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]),
  );

  test('documents the three install paths, with docker run and compose examples', () => {
    expect(readme).toMatch(/## Install/);
    expect(readme).toMatch(/Home Assistant add-on/);
    expect(readme).toMatch(/docker run /);
    expect(readme).toMatch(/docker compose/);
    expect(readme).toMatch(/npm install -g docent|npx docent/);
  });

  test('lists every environment variable the images and the compose example set', async () => {
    const compose = z
      .object({
        services: z.record(
          z.string(),
          z.object({ environment: z.record(z.string(), z.unknown()).optional() }),
        ),
      })
      .parse(parse(await read('docker-compose.example.yml')));
    const composeVars = Object.values(compose.services).flatMap((s) =>
      Object.keys(s.environment ?? {}),
    );
    const imageVars = [
      ...envOf(finalStage(root)).keys(),
      ...envOf(finalStage(addon)).keys(),
    ].filter((name) => name !== 'NODE_ENV');

    for (const name of [...composeVars, ...imageVars]) {
      expect({ name, documented: envTable.has(name) }).toEqual({ name, documented: true });
    }
  });
});
