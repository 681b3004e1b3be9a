import { createHash } from 'node:crypto';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { descriptionResponseFormat } from './schema.js';

/** Upper bound on the reply; a description is a few hundred tokens at most. */
export const MAX_COMPLETION_TOKENS = 600;

/**
 * Images are sent at low detail: thumbnails are small already, and low detail has a fixed
 * token cost per image. gpt-4o-mini bills a low-detail image as 2833 tokens, the gpt-4o family
 * as 85; the larger figure is used until a real reply tells the describer the true prompt size.
 */
const IMAGE_TOKENS_GUESS = 2833;

/** A rough characters-per-token ratio for English prompt text (over-estimates, on purpose). */
const CHARS_PER_TOKEN = 3;

/**
 * Bump when the prompt text or the reply schema changes enough that old descriptions should be
 * written again. Rewording the prompt alone does not: re-describing a whole catalogue costs
 * the owner tokens.
 */
const PROMPT_VERSION = 1;

export interface PromptOptions {
  model: string;
  /** Language code or name the text fields are written in, e.g. 'en' or 'de'. */
  language: string;
  /** Extra guidance from the owner, appended to the system prompt. */
  instruction?: string | undefined;
}

export function buildSystemPrompt(options: PromptOptions): string {
  const lines = [
    'You are the docent of a home gallery. You are shown one artwork as displayed on a TV.',
    'Identify it if you can: title, artist, year or period, medium and style or movement.',
    'If you cannot identify it, give a short descriptive title, "unknown" as the artist,',
    'your best guess for the rest, and a low confidence.',
    'Describe what is shown in two or three sentences for a visitor, name the mood in a few',
    'words and give up to eight short tags.',
    `Write every text field in this language: ${options.language}.`,
  ];
  const instruction = options.instruction?.trim();
  if (instruction) {
    lines.push(`The owner adds: ${instruction}`);
  }

  return lines.join('\n');
}

/**
 * A short hash of what shapes a description: model, language, instruction and the prompt
 * version. Cached descriptions are served only while it matches, so changing any of these
 * describes again. Whitespace around the instruction does not count.
 */
export function promptFingerprint(options: PromptOptions): string {
  const parts = [
    PROMPT_VERSION,
    options.model.trim(),
    options.language.trim(),
    options.instruction?.trim() ?? '',
  ];

  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** The chat completion request for one image, as a base64 data URL in an `image_url` part. */
export function buildRequest(
  options: PromptOptions,
  image: Buffer,
  mimeType: string,
): ChatCompletionCreateParamsNonStreaming {
  return {
    model: options.model,
    messages: [
      { role: 'system', content: buildSystemPrompt(options) },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe this artwork.' },
          {
            type: 'image_url',
            image_url: {
              url: `data:${mimeType};base64,${image.toString('base64')}`,
              detail: 'low',
            },
          },
        ],
      },
    ],
    response_format: descriptionResponseFormat,
    max_completion_tokens: MAX_COMPLETION_TOKENS,
  };
}

/**
 * Tokens one request may cost at most: the prompt (text plus image) and the longest reply.
 * `lastPromptTokens` is the prompt size the API reported for the previous request; with a
 * fixed image cost at low detail it is the best predictor of the next one.
 */
export function estimateRequestTokens(
  options: PromptOptions,
  lastPromptTokens: number | null,
): number {
  const textTokens = Math.ceil(buildSystemPrompt(options).length / CHARS_PER_TOKEN) + 20;
  const promptTokens = lastPromptTokens ?? textTokens + IMAGE_TOKENS_GUESS;

  return promptTokens + MAX_COMPLETION_TOKENS;
}

/** The MIME type of an image from its first bytes, or null when it is not one we send. */
export function sniffImageType(image: Buffer): string | null {
  if (image.length >= 3 && image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff) {
    return 'image/jpeg';
  }
  if (image.length >= 8 && image.subarray(0, 8).equals(PNG_SIGNATURE)) {
    return 'image/png';
  }
  if (
    image.length >= 12 &&
    image.subarray(0, 4).toString('latin1') === 'RIFF' &&
    image.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    return 'image/webp';
  }

  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
