import { descriptionResponseFormat, parseModelReply } from '../../src/ai/schema.js';

const VALID = {
  title: 'The Starry Night',
  artist: 'Vincent van Gogh',
  year: '1889',
  medium: 'oil on canvas',
  style: 'Post-Impressionism',
  mood: 'restless',
  description: 'A swirling night sky over a village. Cypress in front.',
  tags: ['night', 'sky', 'night'],
  confidence: 0.93,
};

describe('parseModelReply', () => {
  test.each([
    ['no content', null, 'no content'],
    ['empty content', '   ', 'no content'],
    ['text that is not JSON', 'Sure! Here is the description: ...', 'not JSON'],
    ['a missing field', JSON.stringify({ ...VALID, artist: undefined }), 'artist'],
    ['a wrong type', JSON.stringify({ ...VALID, tags: 'night, sky' }), 'tags'],
    ['confidence above 1', JSON.stringify({ ...VALID, confidence: 7 }), 'confidence'],
    ['an empty title', JSON.stringify({ ...VALID, title: '  ' }), 'empty title'],
  ])('refuses %s', (_name, content, reason) => {
    const parsed = parseModelReply(content);

    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  test('accepts a valid reply, folding duplicate tags and blank artist', () => {
    const parsed = parseModelReply(JSON.stringify({ ...VALID, artist: ' ' }));

    expect(parsed).toEqual({
      ok: true,
      description: { ...VALID, artist: 'unknown', tags: ['night', 'sky'] },
    });
  });

  test('cuts over-long text instead of refusing it', () => {
    const parsed = parseModelReply(
      JSON.stringify({ ...VALID, title: 'x'.repeat(5000), description: 'y '.repeat(5000) }),
    );

    if (!parsed.ok) throw new Error(parsed.reason);
    expect([...parsed.description.title].length).toBe(200);
    expect(parsed.description.title.endsWith('…')).toBe(true);
    expect(parsed.description.description.length).toBeLessThanOrEqual(1200);
  });
});

describe('descriptionResponseFormat', () => {
  test('is a strict JSON schema requiring every field and allowing no others', () => {
    expect(descriptionResponseFormat.type).toBe('json_schema');
    expect(descriptionResponseFormat.json_schema.strict).toBe(true);
    const schema = descriptionResponseFormat.json_schema.schema ?? {};

    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(Object.keys(VALID));
  });
});
