import { PROFILE_NAMES, type ProfileName } from '../../src/sim/index.js';
import { answerOf, SimFixture } from './sim-fixture.js';

/**
 * §6.5 and §8 item 23: the art socket across standby, per profile (`standbyArtSocket`). Only the
 * 2024 figure is measured (an LS03D kept it through four standbys, FAB `art.py`); the old-firmware
 * drops and the 2022 and 2025 keeps are the profiles' readings (§9: unknown for 2022–2023).
 */
const STANDBY_ART_SOCKET: Record<ProfileName, 'keep' | 'drop'> = {
  '2019': 'drop',
  '2021': 'drop',
  '2022': 'keep',
  '2024': 'keep',
  '2025': 'keep',
};

describe.each(PROFILE_NAMES)('the art socket across standby on %s (§6.5)', (name) => {
  const fx = new SimFixture();
  beforeEach(() => fx.start({ profileName: name }));
  afterEach(() => fx.stop());

  if (STANDBY_ART_SOCKET[name] === 'keep') {
    it('keeps it: go_to_standby, reads still answered, then wakeup on the same socket', async () => {
      const art = await fx.joinArt();
      fx.frame.setPower('standby');

      expect(await art.broadcast('go_to_standby')).toEqual({ event: 'go_to_standby' });
      expect(await answerOf(art, 'get_artmode_status')).toMatchObject({ value: 'on' });
      fx.frame.setPower('on');
      expect(await art.broadcast('wakeup')).toEqual({ event: 'wakeup' });
      expect(art.closeCode).toBeUndefined();
      expect(fx.frame.counters()).toMatchObject({
        artConnectionsDropped: 0,
        artConnectionsOpen: 1,
      });
    });
  } else {
    it('drops it on entering standby; a new client joins after the wake', async () => {
      const art = await fx.joinArt();
      fx.frame.setPower('standby');

      await art.waitClosed();
      expect(fx.frame.counters()).toMatchObject({
        artConnectionsDropped: 1,
        artConnectionsOpen: 0,
      });
      fx.frame.setPower('on');
      const again = await fx.joinArt();
      expect(await answerOf(again, 'get_artmode_status')).toMatchObject({ value: 'on' });
    });
  }
});
