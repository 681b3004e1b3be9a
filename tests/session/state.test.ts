import { tvStatePayloadSchema } from '../../src/mqtt/state-payload.js';
import { type TvStateView, toStatePayload } from '../../src/session/state.js';

const view: TvStateView = {
  connection: 'ready',
  power: 'art',
  pairing: 'paired',
  artMode: 'on',
  current: {
    contentId: 'MY_F0001',
    categoryId: 'MY-C0002',
    matteId: 'none',
    portraitMatteId: 'flexible_polar',
    contentType: 'mobile',
  },
  slideshow: { value: '15', categoryId: 'MY-C0002', type: 'shuffleslideshow' },
  lastSlideshowMinutes: 15,
  features: { brightness: 7, colorTemperature: 0, photoFilter: null, favourite: 'off' },
  queue: { user: 1, sync: 0, background: 3 },
  sync: { done: 10, total: 524, running: true, failed: 0 },
  catalogSize: 524,
  lastError: null,
  description: { summary: 'Water Lilies — Claude Monet', title: 'Water Lilies' },
  currentTitle: { title: 'Water Lilies', artist: 'Claude Monet' },
  ai: {
    status: 'rate_limited',
    tokens_today: 6080,
    tokens_month: 12160,
    daily_limit: 50_000,
    monthly_limit: null,
    requests_today: 2,
    last_error: 'HTTP 429: rate limit reached',
  },
  browser: { query: 'f00', filter: 'all', pick: 'MY_F0002', matches: 12 },
};

describe('the retained state payload', () => {
  test('fits the schema the Home Assistant templates are written against', () => {
    const payload = toStatePayload(view, new Date('2026-01-02T03:04:05Z'));

    expect(tvStatePayloadSchema.safeParse(payload).success).toBe(true);
    expect(payload).toMatchObject({
      artwork: 'MY_F0001',
      matte: 'none',
      power: 'art',
      pairing: 'paired',
      brightness: 7,
      favourite: 'off',
      slideshow: { value: '15', state: 'on', interval: '15 minutes', order: 'Shuffle' },
      current: { content_id: 'MY_F0001', title: 'Water Lilies', artist: 'Claude Monet' },
      browser: { query: 'f00', filter: 'all', pick: 'MY_F0002', matches: 12 },
      ai: { status: 'rate_limited', tokens_today: 6080, daily_limit: 50_000 },
      updated_at: '2026-01-02T03:04:05.000Z',
    });
  });

  test('says nothing of AI without an API key', () => {
    const payload = toStatePayload({ ...view, ai: null, description: null }, new Date());

    expect(tvStatePayloadSchema.safeParse(payload).success).toBe(true);
    expect(payload.ai).toBeNull();
  });

  test('reports power off and no artwork while the TV is unreachable and unknown', () => {
    const payload = toStatePayload(
      {
        ...view,
        connection: 'offline',
        artMode: null,
        current: null,
        description: null,
        currentTitle: null,
      },
      new Date(),
    );

    expect(payload).toMatchObject({ power: 'off', artwork: null, matte: null, current: null });
    expect(tvStatePayloadSchema.safeParse(payload).success).toBe(true);
  });

  test('shows the last interval and the order while the slideshow is off', () => {
    const payload = toStatePayload(
      {
        ...view,
        slideshow: { value: 'off', categoryId: 'MY-C0002', type: 'slideshow' },
        lastSlideshowMinutes: 1440,
      },
      new Date(),
    );

    expect(payload.slideshow).toEqual({
      value: 'off',
      category_id: 'MY-C0002',
      type: 'slideshow',
      state: 'off',
      interval: '1 day',
      order: 'In order',
    });
  });

  test.each([
    ['ready', 'on', null, 'art'],
    ['ready', 'off', null, 'watching'],
    ['connecting', 'on', null, null],
    ['standby', 'on', 'off', 'off'],
    ['offline', 'on', 'art', 'off'],
  ] as const)(
    'derives power from connection %s, art mode %s and the power read %s',
    (connection, artMode, power, expected) => {
      const payload = toStatePayload({ ...view, connection, artMode, power }, new Date());

      expect(payload.power).toBe(expected);
    },
  );
});
