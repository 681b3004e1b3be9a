import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/log.js';
import { ThumbnailLedger } from '../../src/session/thumbnail-ledger.js';

describe('the thumbnail ledger', () => {
  let dataDir: string;
  const make = () => new ThumbnailLedger({ dataDir, tvId: 'frame' }, { logger: silentLogger() });

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'docent-ledger-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('keeps what was published across a restart when the broker holds its epoch', async () => {
    const first = make();
    first.note('MY_F0001', 'hash-a');
    await first.save();

    const second = make();
    await second.load();

    expect(second.reconcile(first.epoch, second.mark())).toBe(true);
    expect(second.has('MY_F0001', 'hash-a')).toBe(true);
    expect(second.has('MY_F0001', 'hash-b')).toBe(false);
  });

  test('forgets everything under a new epoch when the broker lost it', async () => {
    const first = make();
    first.note('MY_F0001', 'hash-a');
    await first.save();

    const second = make();
    await second.load();
    const before = second.epoch;

    expect(second.reconcile(null, second.mark())).toBe(false);
    expect(second.epoch).not.toBe(before);
    expect(second.has('MY_F0001', 'hash-a')).toBe(false);
  });

  test('spares what was published while the broker was being asked', () => {
    const ledger = make();
    ledger.note('MY_F0001', 'old');
    const mark = ledger.mark();
    ledger.note('MY_F0002', 'new');

    expect(ledger.reconcile('some-other-epoch', mark)).toBe(false);
    expect(ledger.has('MY_F0001', 'old')).toBe(false);
    expect(ledger.has('MY_F0002', 'new')).toBe(true);
  });

  test('starts empty from a broken file', async () => {
    const { writeFile, mkdir } = await import('node:fs/promises');
    const ledger = make();
    await mkdir(path.dirname(ledger.filePath), { recursive: true });
    await writeFile(ledger.filePath, '{"version": 1, "epoch": 5}');

    await ledger.load();

    expect(ledger.size).toBe(0);
  });
});
