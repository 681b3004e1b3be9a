import { z } from 'zod';
import { imageSelected, recentlySetUpdated } from './art-broadcasts.js';
import {
  contentListItem,
  isKnownMatte,
  isPortrait,
  MATTE_COLORS,
  MATTE_TYPES,
  matteType,
  PORTRAIT_REFUSED_MATTE_TYPES,
} from './catalogue.js';
import { tvJson } from './messages.js';
import { type Handler, invalid, notFound, reply, requestedCategory } from './request-outcome.js';

const onOff = z.enum(['on', 'off']);
const selectImageSchema = z.object({
  content_id: z.string(),
  category_id: z.string().nullish(),
  show: z.boolean().optional(),
});
const changeMatteSchema = z.object({
  content_id: z.string(),
  matte_id: z.string(),
  portrait_matte_id: z.string().optional(),
});
const favouriteSchema = z.object({ content_id: z.string(), status: onOff });
const idListSchema = z.object({
  content_id_list: z.array(z.object({ content_id: z.string() })).min(1),
});
const filterSchema = z.object({ content_id: z.string(), filter_id: z.string() });

/** Photo filters (§3.5, NW `README.md` names `ink`). */
const PHOTO_FILTERS = ['none', 'aqua', 'artdeco', 'ink', 'wash', 'pastel', 'feuve'];

export const CONTENT_HANDLERS: Record<string, Handler> = {
  get_content_list: ({ request }, ctx) => {
    const category = requestedCategory(request, ctx.profile);
    const listed = ctx.model.list(category);
    // §3.5 (FAB `ART_APP_3.50.106.md`): 5.x puts recents, relabelled, in front of the rest.
    const unfiltered = category === undefined || category === '';
    const withRecents =
      unfiltered && ctx.profile.recentsInUnfilteredList
        ? [...ctx.model.recentArtworks(), ...listed]
        : listed;

    return reply({ content_list: tvJson(withRecents.map(contentListItem), ctx.profile) });
  },
  get_current_artwork: (_call, ctx) => {
    const artwork = ctx.model.current();

    return reply({
      content_id: ctx.model.currentContentId,
      matte_id: artwork?.matteId ?? 'none',
      portrait_matte_id: artwork?.portraitMatteId ?? 'none',
      category_id: artwork?.categoryId ?? '',
      content_type: artwork?.contentType ?? 'na',
    });
  },
  select_image: ({ request }, ctx) => {
    const params = selectImageSchema.safeParse(request);
    if (!params.success) return invalid;
    const artwork = ctx.model.find(params.data.content_id);
    // Unknown ids: FILE_NOT_FOUND is the code whose name fits (§3.3); no capture shows it.
    if (!artwork) return notFound;

    ctx.model.show(artwork);
    const shown = params.data.show !== false && ctx.model.artMode === 'on' ? 'Yes' : 'No';
    const mattes = { matte_id: artwork.matteId, portrait_matte_id: artwork.portraitMatteId };

    // §5: the recents changed, then the selection (the order of the captured slideshow steps).
    const broadcasts = [
      ...recentlySetUpdated(ctx.model, ctx.profile),
      imageSelected(artwork, shown),
    ];

    return reply(
      {
        content_id: artwork.contentId,
        category_id: artwork.categoryId,
        sub_category_id: '',
        ...mattes,
        is_shown: shown,
      },
      broadcasts,
    );
  },
  delete_image_list: ({ request }, ctx) => {
    const params = idListSchema.safeParse(request);
    if (!params.success) return invalid;
    const removed = ctx.model.remove(params.data.content_id_list.map((item) => item.content_id));
    // DEC lists `image_deleted` for 2025 firmware; FAB saw no event on older sets (§5).
    const events =
      ctx.profile.generation === '5.x'
        ? removed.map((contentId) => ({ event: 'image_deleted', content_id: contentId }))
        : [];

    return reply(
      {
        content_id_list: tvJson(
          removed.map((id) => ({ content_id: id })),
          ctx.profile,
        ),
      },
      events,
    );
  },
  get_matte_list: (_call, ctx) => {
    const types = tvJson(
      MATTE_TYPES.map((type) => ({ matte_type: type })),
      ctx.profile,
    );
    // XW#120: 0.97 (fw 14xx) answers with a single `matte_list`.
    if (ctx.profile.generation === '0.97') return reply({ matte_list: types });

    return reply({ matte_type_list: types, matte_color_list: tvJson(MATTE_COLORS, ctx.profile) });
  },
  change_matte: ({ request }, ctx) => {
    const params = changeMatteSchema.safeParse(request);
    if (!params.success) return invalid;
    const artwork = ctx.model.find(params.data.content_id);
    if (!artwork) return notFound;
    const portraitMatte = params.data.portrait_matte_id ?? artwork.portraitMatteId;
    if (!isKnownMatte(params.data.matte_id) || !isKnownMatte(portraitMatte)) return invalid;
    // NW#7: a matte that does not suit the image size is refused with -7.
    const refused = PORTRAIT_REFUSED_MATTE_TYPES.has(matteType(params.data.matte_id));
    if (ctx.switches.portraitMatteRefusal && isPortrait(artwork) && refused) return invalid;

    artwork.matteId = params.data.matte_id;
    artwork.portraitMatteId = portraitMatte;
    const fields = {
      content_id: artwork.contentId,
      matte_id: artwork.matteId,
      portrait_matte_id: artwork.portraitMatteId,
    };

    return reply(fields, [{ event: 'matte_changed', ...fields }]);
  },
  get_content_matte_list: (_call, ctx) => {
    const mattes = MATTE_TYPES.filter((type) => type !== 'none').flatMap((type) =>
      MATTE_COLORS.map((color) => ({ matte_id: `${type}_${color.color}` })),
    );

    return reply({ content_matte_list: tvJson(mattes, ctx.profile) });
  },
  get_photo_filter_list: (_call, ctx) =>
    reply({
      filter_list: tvJson(
        PHOTO_FILTERS.map((id) => ({ filter_id: id })),
        ctx.profile,
      ),
    }),
  set_photo_filter: ({ request }, ctx) => {
    const params = filterSchema.safeParse(request);
    if (!params.success || !PHOTO_FILTERS.includes(params.data.filter_id)) return invalid;
    if (!ctx.model.find(params.data.content_id)) return notFound;
    ctx.model.filters.set(params.data.content_id, params.data.filter_id);

    return reply({ content_id: params.data.content_id, filter_id: params.data.filter_id });
  },
  // TODO(frame-protocol §3.5): 2022+ sets only favourite store art (NW `example/async_art.py`);
  // uploads are accepted here on every profile. Done = a profile field that refuses uploads, once a source
  // shows which error code the TV answers with.
  change_favorite: ({ request }, ctx) => {
    const params = favouriteSchema.safeParse(request);
    if (!params.success) return invalid;
    if (!ctx.model.find(params.data.content_id)) return notFound;

    ctx.model.setFavourite(params.data.content_id, params.data.status === 'on');
    const fields = { content_id: params.data.content_id, status: params.data.status };

    return reply(fields, [{ event: 'favorite_changed', ...fields }]);
  },
};
