import { z } from 'zod';
import { DocentError } from '../errors.js';
import type { ArtRequester } from './art-requester.js';
import { checkEcho, numberLike, optionalText, parseNested, parseReply } from './art-schemas.js';
import { TvRequestError } from './errors.js';
import { type MatteCatalog, MatteRules, type Orientation } from './mattes.js';

const matteListSchema = z.looseObject({
  matte_type_list: z.unknown().optional(),
  matte_color_list: z.unknown().optional(),
  matte_list: z.unknown().optional(),
});
/** §3.5: the reply names the artwork and its mattes (any of them may be left out). */
const changeReplySchema = z.looseObject({
  content_id: optionalText,
  matte_id: optionalText,
  portrait_matte_id: optionalText,
});
const matteTypesSchema = z.array(z.looseObject({ matte_type: z.string() }));
const matteColorsSchema = z.array(
  z.looseObject({
    color: z.string(),
    R: numberLike.optional(),
    G: numberLike.optional(),
    B: numberLike.optional(),
  }),
);

/** The matte list and matte changes, checked against the TV's list and the image's orientation. */
export class ArtMattesApi {
  private readonly rules = new MatteRules();
  private catalog: MatteCatalog | null = null;

  constructor(private readonly requester: ArtRequester) {}

  /** 0.97 sets answer with one `matte_list` of types and no colours (§3.5, XW#120). */
  async getCatalog(): Promise<MatteCatalog> {
    const request = 'get_matte_list';
    const reply = await this.requester.call(request);
    const lists = parseReply(request, matteListSchema, reply);
    const typesRaw = lists.matte_type_list ?? lists.matte_list;
    if (typesRaw === undefined) {
      throw new DocentError('TV_BAD_REPLY', `TV reply to ${request} has no matte types`);
    }
    const types = parseNested(request, matteTypesSchema, typesRaw).map((t) => t.matte_type);
    const colors =
      lists.matte_color_list === undefined
        ? []
        : parseNested(request, matteColorsSchema, lists.matte_color_list).map((c) => ({
            id: c.color,
            hex: toHex(c.R, c.G, c.B),
          }));
    this.catalog = { types, colors };

    return this.catalog;
  }

  /**
   * Combinations that do not suit the image's orientation, or ids this TV did not list, are
   * refused with TV_MATTE_INVALID before asking; a -7 from the TV teaches the rule for next
   * time (NW#7).
   */
  async change(
    contentId: string,
    matteId: string,
    portraitMatteId: string | undefined,
    orientation: Orientation | null,
  ): Promise<void> {
    this.rules.check(matteId, orientation, this.catalog);
    if (portraitMatteId !== undefined) {
      this.rules.check(portraitMatteId, orientation, this.catalog);
    }
    const params: Record<string, unknown> = { content_id: contentId, matte_id: matteId };
    if (portraitMatteId !== undefined) {
      params.portrait_matte_id = portraitMatteId;
    }

    const request = 'change_matte';
    let reply: Record<string, unknown>;
    try {
      reply = await this.requester.call(request, params);
    } catch (err) {
      // With both mattes in one request, the -7 cannot be pinned on either.
      const onlyOne = portraitMatteId === undefined;
      if (err instanceof TvRequestError && err.tvErrorCode === '-7' && orientation && onlyOne) {
        this.rules.noteRefused(matteId, orientation);
      }
      throw err;
    }

    const echoed = parseReply(request, changeReplySchema, reply);
    checkEcho(request, 'content_id', contentId, echoed.content_id);
    checkEcho(request, 'matte_id', matteId, echoed.matte_id);
    if (portraitMatteId !== undefined) {
      checkEcho(request, 'portrait_matte_id', portraitMatteId, echoed.portrait_matte_id);
    }
  }
}

function toHex(r?: number, g?: number, b?: number): string | null {
  if (r === undefined || g === undefined || b === undefined) {
    return null;
  }
  const part = (n: number): string =>
    Math.max(0, Math.min(255, Math.round(n)))
      .toString(16)
      .padStart(2, '0');

  return `#${part(r)}${part(g)}${part(b)}`;
}
