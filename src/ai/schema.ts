import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';

/** Longest text kept per short field; a model that rambles is cut, not rejected. */
const MAX_FIELD_CHARS = 200;
const MAX_DESCRIPTION_CHARS = 1200;
const MAX_TAGS = 12;
const MAX_TAG_CHARS = 40;

/**
 * What the model is asked to return. Kept to the JSON Schema subset that OpenAI structured
 * output accepts in strict mode (every key required, no extra keys, no string lengths), so the
 * same schema drives both the request's `response_format` and the check of the reply.
 */
export const modelReplySchema = z.object({
  title: z.string().describe('Title of the artwork, or a short descriptive title if unknown'),
  artist: z.string().describe('Artist name, or "unknown"'),
  year: z.string().describe('Year or period, e.g. "1889" or "early 16th century"'),
  medium: z.string().describe('Medium, e.g. "oil on canvas" or "photograph"'),
  style: z.string().describe('Movement or style, e.g. "Post-Impressionism"'),
  mood: z.string().describe('The mood in a few words'),
  description: z.string().describe('Two or three sentences about what is shown'),
  tags: z.array(z.string()).describe('A few short keywords'),
  confidence: z.number().min(0).max(1).describe('How sure the identification is, 0 to 1'),
});

export type ModelReply = z.infer<typeof modelReplySchema>;

/** The `response_format` sent with every request (strict JSON Schema). */
export const descriptionResponseFormat = zodResponseFormat(modelReplySchema, 'artwork_description');

/** A description as Docent keeps, caches and publishes it. */
export const artworkDescriptionSchema = z.object({
  title: z.string().min(1).max(MAX_FIELD_CHARS),
  artist: z.string().min(1).max(MAX_FIELD_CHARS),
  year: z.string().max(MAX_FIELD_CHARS),
  medium: z.string().max(MAX_FIELD_CHARS),
  style: z.string().max(MAX_FIELD_CHARS),
  mood: z.string().max(MAX_FIELD_CHARS),
  description: z.string().max(MAX_DESCRIPTION_CHARS),
  tags: z.array(z.string().min(1).max(MAX_TAG_CHARS)).max(MAX_TAGS),
  confidence: z.number().min(0).max(1),
});

export type ArtworkDescription = z.infer<typeof artworkDescriptionSchema>;

export type ParsedReply =
  | { ok: true; description: ArtworkDescription }
  | { ok: false; reason: string };

/**
 * Turns the model's message content into a description. Anything that is not JSON of the
 * requested shape is refused with a reason (never thrown); over-long text is trimmed and cut.
 */
export function parseModelReply(content: string | null | undefined): ParsedReply {
  if (content === null || content === undefined || content.trim() === '') {
    return { ok: false, reason: 'the model returned no content' };
  }

  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, reason: 'the model returned text that is not JSON' };
  }

  const parsed = modelReplySchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      reason: `the model reply has the wrong shape: ${summariseIssues(parsed.error)}`,
    };
  }

  const description = normaliseReply(parsed.data);
  if (description.title === '') {
    return { ok: false, reason: 'the model reply has an empty title' };
  }

  return { ok: true, description };
}

function normaliseReply(reply: ModelReply): ArtworkDescription {
  const tags = [...new Set(reply.tags.map((tag) => cut(tag, MAX_TAG_CHARS)).filter(Boolean))];

  return {
    title: cut(reply.title, MAX_FIELD_CHARS),
    artist: cut(reply.artist, MAX_FIELD_CHARS) || 'unknown',
    year: cut(reply.year, MAX_FIELD_CHARS),
    medium: cut(reply.medium, MAX_FIELD_CHARS),
    style: cut(reply.style, MAX_FIELD_CHARS),
    mood: cut(reply.mood, MAX_FIELD_CHARS),
    description: cut(reply.description, MAX_DESCRIPTION_CHARS),
    tags: tags.slice(0, MAX_TAGS),
    confidence: reply.confidence,
  };
}

/** Trims, folds runs of whitespace and cuts at `maxChars` (whole code points). */
export function cut(text: string, maxChars: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  if (chars.length <= maxChars) return clean;

  return `${chars
    .slice(0, maxChars - 1)
    .join('')
    .trimEnd()}…`;
}

function summariseIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
