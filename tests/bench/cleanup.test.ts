import { Cleanup } from '../../bench/cleanup.js';
import { silentLogger } from '../../src/log.js';

describe('bench cleanup', () => {
  it('undoes steps newest first and keeps going after a failing step', async () => {
    const cleanup = new Cleanup();
    const ran: string[] = [];
    cleanup.defer('first', () => {
      ran.push('first');
    });
    cleanup.defer('broken', () => {
      throw new Error('boom');
    });
    cleanup.defer('last', async () => {
      ran.push('last');
    });

    await cleanup.runAll(silentLogger());
    await cleanup.runAll(silentLogger());

    expect(ran).toEqual(['last', 'first']);
  });
});
