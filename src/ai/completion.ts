import { z } from 'zod';

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
