import { createTopics, sanitizeId } from '../../src/mqtt/topics.js';

describe('sanitizeId', () => {
  it.each([
    ['Living Room', 'living_room'],
    ['AA:BB:CC:DD:EE:FF', 'aa_bb_cc_dd_ee_ff'],
    ['frame-55.local', 'frame-55_local'],
    ['  spaced  out  ', 'spaced_out'],
    ['Wohnzimmer Fernseher ü', 'wohnzimmer_fernseher'],
    ['a/b+c#d', 'a_b_c_d'],
    ['already_ok-1', 'already_ok-1'],
    ['***', '_'],
    ['', '_'],
  ])('turns %j into %j', (raw, expected) => {
    expect(sanitizeId(raw)).toBe(expected);
  });

  it('always yields a valid discovery id', () => {
    for (const raw of ['ÄÖÜ', 'x y z', '..', 'a__b', '_a_']) {
      expect(sanitizeId(raw)).toMatch(/^[a-z0-9_-]+$/);
    }
  });
});

describe('createTopics', () => {
  const topics = createTopics({ baseTopic: 'docent', discoveryPrefix: 'homeassistant' });

  it('lays out bridge, HA and per-TV topics as documented', () => {
    const tv = topics.tv('Living Room');

    expect(topics.bridgeAvailability).toBe('docent/bridge/availability');
    expect(topics.haStatus).toBe('homeassistant/status');
    expect(tv).toMatchObject({
      availability: 'docent/living_room/availability',
      state: 'docent/living_room/state',
      command: 'docent/living_room/command',
      commandResult: 'docent/living_room/command/result',
      catalog: 'docent/living_room/catalog',
      thumbnailFilter: 'docent/living_room/thumbnail/+',
      imageCurrent: 'docent/living_room/image/current',
      discovery: 'homeassistant/device/docent_living_room/config',
    });
    expect(tv.thumbnail('MY_F0001')).toBe('docent/living_room/thumbnail/MY_F0001');
    expect(tv.componentDiscovery('switch', 'art_mode')).toBe(
      'homeassistant/switch/docent_living_room/art_mode/config',
    );
  });

  it('keeps wildcards and extra levels out of thumbnail topics', () => {
    const tv = topics.tv('tv');

    expect(tv.thumbnail('a/b+#c')).toBe('docent/tv/thumbnail/a_b_c');
    expect(tv.thumbnail('SAM-S0700.jpg')).toBe('docent/tv/thumbnail/SAM-S0700.jpg');
  });

  it('honours a custom base topic, prefix and HA status topic', () => {
    const custom = createTopics({
      baseTopic: 'home/docent/',
      discoveryPrefix: 'ha',
      haStatusTopic: 'hass/status',
    });

    expect(custom.bridgeAvailability).toBe('home/docent/bridge/availability');
    expect(custom.haStatus).toBe('hass/status');
    expect(custom.tv('x').discovery).toBe('ha/device/docent_x/config');
  });

  it('defaults the HA status topic to <prefix>/status', () => {
    expect(createTopics({ baseTopic: 'd', discoveryPrefix: 'ha' }).haStatus).toBe('ha/status');
  });

  it.each(['', 'a/+/b', 'docent/#', 'a//b'])('rejects base topic %j', (baseTopic) => {
    expect(() => createTopics({ baseTopic, discoveryPrefix: 'homeassistant' })).toThrow(
      /baseTopic/,
    );
  });
});
