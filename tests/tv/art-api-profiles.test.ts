import sharp from 'sharp';
import { DocentError } from '../../src/errors.js';
import type { ProfileName } from '../../src/sim/profile.js';
import { TvRequestError } from '../../src/tv/errors.js';
import { PROFILE_NAMES, type SimApi, startSimApi } from './sim-api-fixture.js';

const GENERATIONS: Record<ProfileName, string> = {
  '2019': '0.97',
  '2021': '2.x',
  '2022': '4.x',
  '2024': '4.x',
  '2025': '5.x',
};

describe.each(PROFILE_NAMES)('FrameArtApi on the %s profile', (profileName) => {
  let t: SimApi;
  const old = profileName === '2019' || profileName === '2021';

  beforeAll(async () => {
    t = await startSimApi(profileName, { storeArtworks: 2 });
  });

  afterAll(async () => {
    await t.stop();
  });

  it('detects the API generation', async () => {
    await expect(t.api.detect()).resolves.toBe(GENERATIONS[profileName]);
    expect(t.capabilities.apiVersion).toBe(t.sim.profile.apiVersion);
  });

  it('lists artworks once each, with categories', async () => {
    const artworks = await t.api.getContentList();
    const ids = artworks.map((a) => a.contentId);

    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...t.sim.contentIds()].sort());
    expect(artworks.every((a) => a.categoryId !== '' && !a.categoryId.startsWith('MY-C0008'))).toBe(
      true,
    );
    const categories = await t.api.getCategories();
    expect(categories).toContain('MY-C0002');
  });

  it('selects an artwork and reads it back as current', async () => {
    const target = t.sim.contentIds()[4] ?? '';

    const selected = await t.api.selectImage(target);

    expect(selected).toMatchObject({ contentId: target, isShown: true });
    await expect(t.api.getCurrentArtwork()).resolves.toMatchObject({ contentId: target });
  });

  it('surfaces an unknown artwork as TvRequestError -4 naming the request', async () => {
    await expect(t.api.selectImage('MY_F9999')).rejects.toMatchObject({
      name: 'TvRequestError',
      request: 'select_image',
      tvErrorCode: '-4',
    });
  });

  it('lists matte types, and colours with swatches where the TV has them', async () => {
    const catalog = await t.api.getMatteCatalog();

    expect(catalog.types).toEqual(expect.arrayContaining(['none', 'shadowbox', 'panoramic']));
    if (profileName === '2019') {
      expect(catalog.colors).toEqual([]);
    } else {
      expect(catalog.colors).toContainEqual({ id: 'polar', hex: expect.stringMatching(/^#/) });
    }
  });

  it('changes landscape and portrait mattes together', async () => {
    const artworks = await t.api.getContentList();
    const landscape = artworks.find((a) => (a.width ?? 0) > (a.height ?? 0));
    if (!landscape) throw new Error('no landscape artwork');

    await t.api.changeMatte(landscape.contentId, 'modern_navy', 'flexible_sage');

    const after = (await t.api.getContentList()).find((a) => a.contentId === landscape.contentId);
    expect(after).toMatchObject({ matteId: 'modern_navy', portraitMatteId: 'flexible_sage' });
  });

  it('refuses a matte unsuited to a portrait image before asking the TV', async () => {
    const artworks = await t.api.getContentList();
    const portrait = artworks.find((a) => (a.height ?? 0) > (a.width ?? 0));
    if (!portrait) throw new Error('no portrait artwork in the catalogue');
    const before = t.sim.counters().requests.change_matte ?? 0;

    const refused = t.api.changeMatte(portrait.contentId, 'panoramic_polar');

    await expect(refused).rejects.toMatchObject({ code: 'TV_MATTE_INVALID' });
    expect(t.sim.counters().requests.change_matte ?? 0).toBe(before);
    await t.api.changeMatte(portrait.contentId, 'modern_polar');
  });

  it(`uses ${old ? 'auto-rotation' : 'the slideshow requests'} and remembers it`, async () => {
    const status = await t.api.setSlideshowStatus({
      value: 15,
      categoryId: 'MY-C0002',
      shuffle: true,
    });

    expect(status).toMatchObject({ value: '15', type: 'shuffleslideshow' });
    await expect(t.api.getSlideshowStatus()).resolves.toMatchObject({ value: '15' });
    expect(t.capabilities.slideshowApi).toBe(old ? 'auto_rotation' : 'slideshow');
    await t.api.setSlideshowStatus({ value: 'off', categoryId: 'MY-C0002', shuffle: false });
    expect(t.sim.state().slideshow.value).toBe('off');
  });

  it('favourites an artwork and reports an unknown one as -4', async () => {
    const target = t.sim.contentIds()[2] ?? '';

    await expect(t.api.setFavourite(target, true)).resolves.toBe(true);
    await expect(t.api.setFavourite(target, false)).resolves.toBe(false);
    await expect(t.api.setFavourite('MY_F9999', true)).rejects.toBeInstanceOf(TvRequestError);
  });

  it('lists and applies photo filters, refusing one the TV does not offer', async () => {
    const filters = await t.api.getPhotoFilters();
    const target = t.sim.contentIds()[1] ?? '';

    expect(filters).toContain('ink');
    await t.api.applyPhotoFilter(target, 'ink');
    await expect(t.api.applyPhotoFilter(target, 'sepia-deluxe')).rejects.toMatchObject({
      code: 'TV_INVALID_VALUE',
    });
  });

  it('reads art-mode settings with the ranges this TV reports and checks writes against them', async () => {
    const settings = await t.api.settings.get();
    const max = t.sim.profile.brightnessMax;

    if (old) {
      expect(settings.source).toBe('single_getters');
      expect(settings.brightness).toMatchObject({ min: 0, max: 10 });
    } else {
      expect(settings.source).toBe('artmode_settings');
      expect(settings.brightness).toMatchObject({ min: 0, max });
      expect(settings.colorTemperature).toMatchObject({ min: -5, max: 5 });
      expect(settings.motionTimer?.validValues).toContain('15');
      expect(settings.brightnessSensor).toMatch(/^(on|off)$/);
    }
    await expect(t.api.settings.setBrightness(3)).resolves.toBe(3);
    const before = t.sim.counters().requests.set_brightness ?? 0;
    await expect(t.api.settings.setBrightness(max + 1)).rejects.toMatchObject({
      code: 'TV_INVALID_VALUE',
    });
    expect(t.sim.counters().requests.set_brightness ?? 0).toBe(before);
    await expect(t.api.settings.setColorTemperature(2)).resolves.toBe(2);
    if (!old) {
      await t.api.settings.setMotionTimer('15');
      await t.api.settings.setMotionSensitivity(2);
      await t.api.settings.setBrightnessSensor(true);
      const again = await t.api.settings.get();
      expect(again).toMatchObject({
        brightness: { value: 3 },
        motionTimer: { value: '15' },
        motionSensitivity: { value: 2 },
        brightnessSensor: 'on',
      });
    }
  });

  it('fetches thumbnails byte-equal to what the TV holds, by whichever request it has', async () => {
    const ids = t.sim.contentIds().slice(0, 3);

    const files = await t.api.getThumbnails(ids, { timeoutMs: 3000 });

    expect(files.map((f) => f.contentId)).toEqual(ids);
    for (const file of files) {
      expect(file.data.equals(await t.sim.thumbnailOf(file.contentId))).toBe(true);
    }
    const viaList = t.capabilities.supportOf('get_thumbnail_list') === 'supported';
    expect(viaList).toBe(!old);
  });

  it('reads the panel rotation and device info', async () => {
    await expect(t.api.device.getRotation()).resolves.toBe('landscape');
    const info = await t.api.device.getInfo();

    if (old) {
      // The old-firmware profiles answer get_device_info with no fields.
      expect(info).toMatchObject({ rotation: null, motionSensor: null });
    } else {
      expect(info).toMatchObject({ rotation: 'landscape', motionSensor: true, resolution: 'UHD' });
    }
  });

  it(`${profileName === '2025' ? 'offers' : 'refuses without asking'} the 5.x-only requests`, async () => {
    if (profileName === '2025') {
      await expect(t.api.device.getContentMatteList('MY-C0002')).resolves.toContain(
        'shadowbox_polar',
      );
      await expect(t.api.settings.resetBrightness()).resolves.toBe(25);
      await t.api.settings.setArtPictureMode(3);
      await expect(t.api.settings.getArtPictureMode()).resolves.toBe(3);
      return;
    }
    const before = t.sim.counters().requests.reset_brightness ?? 0;
    await expect(t.api.settings.resetBrightness()).rejects.toMatchObject({
      code: 'TV_UNSUPPORTED',
    });
    expect(t.sim.counters().requests.reset_brightness ?? 0).toBe(before);
  });

  it('deletes artworks and returns the ids the TV echoed', async () => {
    const victim = t.sim.contentIds().at(-1) ?? '';

    await expect(t.api.deleteArtworks([victim])).resolves.toEqual([victim]);
    expect(t.sim.contentIds()).not.toContain(victim);
  });
  it(`uploads an image ${profileName === '2019' ? 'in-band' : 'over d2d'}, confirmed by image_added`, async () => {
    const image = await sharp({
      create: { width: 64, height: 36, channels: 3, background: '#336699' },
    })
      .jpeg()
      .toBuffer();
    const countBefore = t.sim.contentIds().length;

    const added = await t.api.upload(image, { fileType: 'jpg', addedTimeoutMs: 5000 });

    expect(added.contentId).toMatch(/^MY_F\d+/);
    expect(t.sim.contentIds()).toContain(added.contentId);
    expect(t.sim.contentIds()).toHaveLength(countBefore + 1);
  });
});

describe('upload without image_added', () => {
  it('reports TV_UPLOAD_UNCONFIRMED and does not upload a second time', async () => {
    const t = await startSimApi('2022', { switches: { uploadNoImageAdded: true } });
    try {
      const image = await sharp({
        create: { width: 32, height: 18, channels: 3, background: '#aa3300' },
      })
        .jpeg()
        .toBuffer();

      const failure = t.api.upload(image, { fileType: 'jpg', addedTimeoutMs: 300 });

      await expect(failure).rejects.toBeInstanceOf(DocentError);
      await expect(failure).rejects.toMatchObject({
        code: 'TV_UPLOAD_UNCONFIRMED',
        transient: false,
      });
      expect(t.sim.counters().requests.send_image).toBe(1);
    } finally {
      await t.stop();
    }
  });
});
