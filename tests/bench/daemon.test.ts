import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readProcSample, writeDaemonOptions } from '../../bench/daemon.js';

describe('bench daemon helpers', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'docent-bench-test-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads peak resident memory and CPU time of a live process from /proc', async () => {
    let spin = 0;
    for (let i = 0; i < 2e6; i += 1) spin += i;

    const sample = await readProcSample(process.pid);

    expect(spin).toBeGreaterThan(0);
    expect(sample?.peakRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(sample?.cpuMs).toBeGreaterThan(0);
  });

  it('gives no sample for a process that does not exist', async () => {
    expect(await readProcSample(2 ** 22 + 12_345)).toBeNull();
  });

  it('writes the options file the daemon is started with', async () => {
    const file = path.join(dir, 'options.json');

    await writeDaemonOptions(file, {
      mqttUrl: 'mqtt://127.0.0.1:1884',
      tvPort: 40_002,
      dataDir: dir,
      chunkTargetMs: 150,
    });

    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      mqtt: { url: 'mqtt://127.0.0.1:1884' },
      tvs: [{ name: 'Bench', host: '127.0.0.1', port: 40_002, secure: true }],
      data_dir: dir,
      log_level: 'warn',
      thumbnails: { max_width_px: 320, chunk_target_ms: 150 },
    });
  });
});
