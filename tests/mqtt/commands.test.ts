import { resultFromOutcome } from '../../src/mqtt/command-result.js';
import { MAX_COMMAND_BYTES, parseCommand } from '../../src/mqtt/commands.js';

const parse = (payload: unknown) =>
  parseCommand(Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)));

describe('parseCommand accepts', () => {
  it.each([
    [
      { action: 'select', content_id: 'MY_F0001', id: 'ha-1' },
      { action: 'select', id: 'ha-1', contentId: 'MY_F0001', show: true },
    ],
    [
      { action: 'select', content_id: 'SAM-S0700', show: false },
      { action: 'select', id: null, contentId: 'SAM-S0700', show: false },
    ],
    [
      { action: 'matte', matte_id: 'shadowbox_polar' },
      {
        action: 'matte',
        id: null,
        matteId: 'shadowbox_polar',
        portraitMatteId: null,
        contentId: null,
      },
    ],
    [
      { action: 'matte', matte_id: 'none', content_id: 'MY_F0002', id: 'a.b:c_d-e' },
      {
        action: 'matte',
        id: 'a.b:c_d-e',
        matteId: 'none',
        portraitMatteId: null,
        contentId: 'MY_F0002',
      },
    ],
    [
      { action: 'art_mode', on: true },
      { action: 'art_mode', id: null, on: true },
    ],
    [
      { action: 'art_mode', on: 'OFF' },
      { action: 'art_mode', id: null, on: false },
    ],
    [
      { action: 'art_mode', on: 'on' },
      { action: 'art_mode', id: null, on: true },
    ],
    [
      { action: 'slideshow', value: 'off' },
      { action: 'slideshow', id: null, value: 'off', categoryId: null, shuffle: null },
    ],
    [
      { action: 'slideshow', value: 15, category_id: 'MY-C0002', shuffle: true },
      { action: 'slideshow', id: null, value: 15, categoryId: 'MY-C0002', shuffle: true },
    ],
    [
      { action: 'slideshow', value: '30' },
      { action: 'slideshow', id: null, value: 30, categoryId: null, shuffle: null },
    ],
    [
      { action: 'slideshow', value: '1 hour' },
      { action: 'slideshow', id: null, value: 60, categoryId: null, shuffle: null },
    ],
    [
      { action: 'slideshow', value: '7 days' },
      { action: 'slideshow', id: null, value: 10_080, categoryId: null, shuffle: null },
    ],
    [
      { action: 'slideshow', value: 'on' },
      { action: 'slideshow', id: null, value: 'on', categoryId: null, shuffle: null },
    ],
    [
      { action: 'matte', matte_id: 'flexible_polar', portrait_matte_id: 'flexible_sage' },
      {
        action: 'matte',
        id: null,
        matteId: 'flexible_polar',
        portraitMatteId: 'flexible_sage',
        contentId: null,
      },
    ],
    [
      { action: 'power', value: 'art', id: 'p1' },
      { action: 'power', id: 'p1', value: 'art' },
    ],
    [{ action: 'pair' }, { action: 'pair', id: null }],
    [{ action: 'reconnect' }, { action: 'reconnect', id: null }],
    [{ action: 'refresh' }, { action: 'refresh', id: null }],
    [
      { action: 'sync_thumbnails', id: 'x' },
      { action: 'sync_thumbnails', id: 'x' },
    ],
    [{ action: 'next' }, { action: 'next', id: null }],
    [
      { action: 'previous', id: 'p' },
      { action: 'previous', id: 'p' },
    ],
    [{ action: 'shuffle' }, { action: 'shuffle', id: null }],
    [{ action: 'wake' }, { action: 'wake', id: null }],
    [
      { action: 'search', query: '  F00 ' },
      { action: 'search', id: null, query: 'F00' },
    ],
    [
      { action: 'search', query: '' },
      { action: 'search', id: null, query: '' },
    ],
    [
      { action: 'browse_filter', filter: 'favourites' },
      { action: 'browse_filter', id: null, filter: 'favourites' },
    ],
    [
      { action: 'browse_pick', content_id: 'MY_F0003' },
      { action: 'browse_pick', id: null, contentId: 'MY_F0003' },
    ],
    [{ action: 'show_pick' }, { action: 'show_pick', id: null }],
  ])('%j', (payload, expected) => {
    expect(parse(payload)).toEqual({ ok: true, command: expected });
  });
});

describe('parseCommand refuses', () => {
  it.each<[string, unknown, string | null, RegExp]>([
    ['non-JSON', 'select MY_F0001', null, /not valid JSON/],
    ['a JSON string', '"refresh"', null, /must be a JSON object/],
    ['a JSON array', [{ action: 'refresh' }], null, /must be a JSON object/],
    ['null', 'null', null, /must be a JSON object/],
    ['a missing action', { id: 'c1' }, 'c1', /^action: /],
    ['an unknown action', { action: 'dance', id: 'c2' }, 'c2', /^action: .*select/],
    ['a missing field', { action: 'select', id: 'c3' }, 'c3', /^content_id: required/],
    ['a wrong field type', { action: 'select', content_id: 7 }, null, /^content_id: .*string/],
    ['an empty content id', { action: 'select', content_id: '' }, null, /^content_id: /],
    ['a control character', { action: 'select', content_id: 'a\nb' }, null, /control characters/],
    ['a wrong boolean', { action: 'art_mode', on: 'maybe', id: 'c4' }, 'c4', /^on: /],
    ['a wrong show flag', { action: 'select', content_id: 'x', show: 'yes' }, null, /^show: /],
    ['zero minutes', { action: 'slideshow', value: 0 }, null, /^value: /],
    ['a word for minutes', { action: 'slideshow', value: 'often' }, null, /^value: /],
    ['a label past a week', { action: 'slideshow', value: '8 days' }, null, /^value: /],
    ['an unknown power state', { action: 'power', value: 'on' }, null, /^value: .*watching/],
    ['a power without a value', { action: 'power' }, null, /^value: /],
    ['an unexpected key', { action: 'refresh', force: true }, null, /force/],
    ['a bad id (and keeps it out)', { action: 'refresh', id: 'has space' }, null, /^id: /],
    ['an over-long id', { action: 'refresh', id: 'x'.repeat(65) }, null, /^id: /],
    ['a search without query', { action: 'search', id: 's1' }, 's1', /^query: required/],
    ['an over-long search', { action: 'search', query: 'x'.repeat(65) }, null, /^query: /],
    ['a search with a newline', { action: 'search', query: 'a\nb' }, null, /control/],
    ['a number for a search', { action: 'search', query: 5 }, null, /^query: /],
    ['an empty filter', { action: 'browse_filter', filter: '' }, null, /^filter: /],
    ['a pick without content id', { action: 'browse_pick' }, null, /^content_id: required/],
    ['a next with a target', { action: 'next', content_id: 'x' }, null, /content_id/],
    ['a wake with a mac', { action: 'wake', mac: 'aa:bb' }, null, /mac/],
  ])('%s', (_what, payload, id, message) => {
    const result = parse(payload);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.id).toBe(id);
    expect(result.error.code).toBe('BAD_COMMAND');
    expect(result.error.message).toMatch(message);
  });

  it('an oversize payload before parsing it', () => {
    const payload = JSON.stringify({
      action: 'select',
      content_id: 'x'.repeat(MAX_COMMAND_BYTES),
      id: 'big',
    });

    const result = parse(payload);

    expect(result).toEqual({
      ok: false,
      id: null,
      error: { code: 'BAD_COMMAND', message: expect.stringMatching(/limit is 16384/) },
    });
  });

  it('every problem at once', () => {
    const result = parse({ action: 'slideshow', value: -1, shuffle: 'no', id: 'multi' });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(/value: .*; shuffle: /);
  });
});

describe('resultFromOutcome', () => {
  const at = new Date('2026-01-02T03:04:05.000Z');
  const cmd = { id: 'c1', action: 'select' };

  it.each([
    [{ status: 'ok', value: undefined } as const, { status: 'ok' }],
    [
      { status: 'ok', value: { shown: 'MY_F0001' } } as const,
      { status: 'ok', value: { shown: 'MY_F0001' } },
    ],
    [
      { status: 'error', code: 'TV_TIMEOUT', message: 'no reply' } as const,
      { status: 'error', error: { code: 'TV_TIMEOUT', message: 'no reply' } },
    ],
    [{ status: 'superseded', by: 'c2' } as const, { status: 'superseded', value: { by: 'c2' } }],
    [{ status: 'expired' } as const, { status: 'expired' }],
    [{ status: 'cancelled' } as const, { status: 'cancelled' }],
  ])('maps %j', (outcome, expected) => {
    expect(resultFromOutcome(cmd, outcome, at)).toEqual({
      id: 'c1',
      action: 'select',
      at: '2026-01-02T03:04:05.000Z',
      ...expected,
    });
  });
});
