import { retryAfterMs, scrub } from '../../src/ai/api-failure.js';

describe('retryAfterMs', () => {
  const nowMs = Date.UTC(2026, 0, 10, 12, 0, 0);

  test.each([
    ['retry-after-ms', { 'retry-after-ms': '1500' }, 1500],
    ['retry-after in seconds', { 'retry-after': '7' }, 7000],
    ['retry-after as an HTTP date', { 'retry-after': 'Sat, 10 Jan 2026 12:00:30 GMT' }, 30_000],
    ['nothing usable', { 'retry-after': 'soon' }, null],
    ['no header', {}, null],
  ])('reads %s', (_name, headers, expected) => {
    expect(retryAfterMs(new Headers(headers), nowMs)).toBe(expected);
  });
});

describe('scrub', () => {
  test('removes the key and key-shaped text from messages', () => {
    const key = 'custom-key-0123456789';
    const text = `Incorrect API key provided: ${key}; also sk-proj-abc***xyz9 seen`;

    const clean = scrub(text, key);

    expect(clean).not.toContain(key);
    expect(clean).not.toContain('sk-proj');
    expect(clean).toContain('Incorrect API key provided');
  });
});
