import { PROFILE_NAMES, PROFILES } from '../../src/sim/index.js';
import { innerEvent, innerRequestId } from './raw-client.js';
import { noFrameFor, SimFixture } from './sim-fixture.js';

/** §7 Q1 (FAB#27): several art clients get each other's replies, then handshakes stop. */
describe.each(PROFILE_NAMES)('several art clients on the %s profile, by default', (name) => {
  const fx = new SimFixture();
  const ready = PROFILES[name].artHandshake === 'connect-ready';
  beforeEach(() => fx.start({ profileName: name }));
  afterEach(() => fx.stop());

  it('misroutes replies while two are open, without closing either', async () => {
    const first = await fx.art(ready);
    const second = await fx.art(ready);
    const id = first.request('get_artmode_status');

    expect((await second.reply(id)).event).toMatch(/artmode_status$/);
    await noFrameFor(first, 50);
    expect(first.frames.some((f) => innerRequestId(f) === id)).toBe(false);
    expect(first.closeCode).toBeUndefined();
    expect(fx.frame.counters().artConnectionsDropped).toBe(0);
  });

  it('stops completing handshakes after multiClientRefuseAfter crowded joins', async () => {
    const refuseAfter = PROFILES[name].multiClientRefuseAfter;
    await fx.art(ready);
    for (let join = 0; join < refuseAfter; join += 1) await fx.art(ready);

    const refused = await fx.open(fx.artUrl());
    expect(await noFrameFor(refused, 80)).toBe(0);
    expect(fx.frame.counters()).toMatchObject({
      refusedConnections: 1,
      artConnectionsOpen: refuseAfter + 1,
      artConnectionsDropped: 0,
    });
  });
});

describe('several art clients, other policies', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('a lone client is served again once the crowd has gone', async () => {
    await fx.start({ profile: { multiClientRefuseAfter: 1 } });
    const first = await fx.art();
    const second = await fx.art();
    const refused = await fx.open(fx.artUrl());
    expect(await noFrameFor(refused, 50)).toBe(0);

    fx.frame.dropArtConnections();
    await Promise.all([first.waitClosed(), second.waitClosed()]);
    const alone = await fx.art();
    expect(await alone.reply(alone.request('get_artmode_status'))).toMatchObject({ value: 'on' });
  });

  it('allow: a reply reaches only its requester, a broadcast reaches both (§3.2)', async () => {
    await fx.start({ profile: { multiClientPolicy: 'allow' } });
    const requester = await fx.art();
    const other = await fx.art();
    const id = requester.request('get_artmode_status');
    expect(await requester.reply(id)).toMatchObject({ value: 'on' });

    // The broadcast leaves after the reply on the same sockets, so once `other` has it, a
    // misrouted reply would have arrived there first.
    fx.frame.setArtMode(false);
    await Promise.all([
      requester.broadcast('art_mode_changed'),
      other.broadcast('art_mode_changed'),
    ]);
    expect(other.frames.some((f) => innerRequestId(f) === id)).toBe(false);
    expect(other.frames.filter((f) => innerEvent(f) !== undefined)).toHaveLength(1);
  });
});
