import { z } from 'zod';
import { type ArtworkDescription, parseModelReply } from './schema.js';

/**
 * The parts of a chat completion reply the describer reads. The openai client types the body
 * but does not check it, and an OpenAI-compatible server may send anything, so it is parsed.
 */
export const completionSchema = z.object({
  choices: z.array(
    z.object({
      finish_reason: z.string().nullish(),
      message: z.object({
        content: z.string().nullish(),
        refusal: z.string().nullish(),
      }),
    }),
  ),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative(),
      total_tokens: z.number().int().nonnegative(),
    })
    .nullish(),
});

export type Completion = z.infer<typeof completionSchema>;

type Usage = NonNullable<Completion['usage']>;

export type ReadCompletion =
  | { ok: true; description: ArtworkDescription; usage: Usage | null }
  /** `usage` is null when the reply did not say (or was not a completion at all). */
  | { ok: false; reason: string; usage: Usage | null };

/** A reply to one describe request: the description, or why it cannot be used. Never throws. */
export function readCompletion(response: unknown): ReadCompletion {
  const completion = completionSchema.safeParse(response);
  if (!completion.success) {
    return { ok: false, reason: 'the AI service reply is not a chat completion', usage: null };
  }

  const usage = completion.data.usage ?? null;
  const choice = completion.data.choices[0];
  if (!choice) return { ok: false, reason: 'the AI service returned no choices', usage };
  if (choice.message.refusal) {
    return { ok: false, reason: 'the model refused to describe the image', usage };
  }
  if (choice.finish_reason === 'length') {
    return { ok: false, reason: 'the model reply was cut off', usage };
  }

  const parsed = parseModelReply(choice.message.content);
  if (!parsed.ok) return { ok: false, reason: parsed.reason, usage };

  return { ok: true, description: parsed.description, usage };
}
