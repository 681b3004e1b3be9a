import fc from 'fast-check';
import { decodeSafeName, encodeSafeName } from '../../src/thumbnails/safe-name.js';

describe('safe file names', () => {
  it.each([
    ['MY_F0001', 'MY_F0001'],
    ['SAM-F0206', 'SAM-F0206'],
    ['../../etc', '%2E%2E%2F%2E%2E%2Fetc'],
    ['a b', 'a%20b'],
    ['é', '%C3%A9'],
  ])('encodes %p as %p', (id, expected) => {
    expect(encodeSafeName(id)).toBe(expected);
  });

  it('maps every id to a plain name and back', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), (id) => {
        const name = encodeSafeName(id);

        expect(name).toMatch(/^[A-Za-z0-9_%-]+$/);
        expect(decodeSafeName(name)).toBe(id);
      }),
    );
  });

  it.each(['', 'x'.repeat(201)])('refuses to name a file after %p', (id) => {
    expect(() => encodeSafeName(id)).toThrow(expect.objectContaining({ code: 'ID_INVALID' }));
  });

  it('refuses an id with a lone surrogate', () => {
    expect(() => encodeSafeName('a\uD800b')).toThrow(
      expect.objectContaining({ code: 'ID_INVALID' }),
    );
  });

  it.each(['', 'a.b', '%2e', '%zz', 'MY%5FF0001', 'a b'])(
    'does not take %p for one of its own names',
    (name) => {
      expect(decodeSafeName(name)).toBeNull();
    },
  );
});
