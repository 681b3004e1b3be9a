import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileTokenStore } from '../../src/tv/token-store.js';

describe('FileTokenStore', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'docent-token-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loads null before anything was saved', async () => {
    const store = new FileTokenStore({ dataDir, tvId: 'living-room' });

    await expect(store.load()).resolves.toBeNull();
  });

  it('round-trips a token through tvs/<tvId>/token.json with mode 0600', async () => {
    const store = new FileTokenStore({ dataDir, tvId: 'living-room' });

    await store.save('12345678');

    const file = path.join(dataDir, 'tvs', 'living-room', 'token.json');
    expect(store.filePath).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ token: '12345678' });
    await expect(new FileTokenStore({ dataDir, tvId: 'living-room' }).load()).resolves.toBe(
      '12345678',
    );
  });

  it('replaces an older token', async () => {
    const store = new FileTokenStore({ dataDir, tvId: 'tv' });

    await store.save('11111111');
    await store.save('22222222');

    await expect(store.load()).resolves.toBe('22222222');
  });

  it('rejects a file that does not hold a token with TOKEN_FILE_INVALID', async () => {
    const store = new FileTokenStore({ dataDir, tvId: 'tv' });
    await mkdir(path.dirname(store.filePath), { recursive: true });
    await writeFile(store.filePath, '{"token": 5}');

    await expect(store.load()).rejects.toMatchObject({ code: 'TOKEN_FILE_INVALID' });
  });
});
