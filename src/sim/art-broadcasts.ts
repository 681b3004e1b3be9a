import type { Artwork } from './catalogue.js';
import type { FrameModel } from './frame-model.js';
import { isOldGeneration, tvJson } from './messages.js';
import type { SimProfile } from './profile.js';
import type { Inner } from './request-outcome.js';

/**
 * The id a `recently_set_list` entry carries. The 2022 capture lists bare numbers ("115", "57")
 * where every other message says `MY_F0115` (traces README); reading them as the upload number
 * without its prefix and leading zeros is our assumption. Other ids are listed as they are.
 */
export function recentlySetId(contentId: string): string {
  const upload = /^MY_F0*(\d+)$/.exec(contentId);

  return upload?.[1] ?? contentId;
}

/**
 * `recently_set_updated` (§5, DEC, FOX): the recents list as a JSON string in the firmware's
 * layout. 4.x and 5.x only: no source shows it from old firmware.
 */
export function recentlySetUpdated(model: FrameModel, profile: SimProfile): Inner[] {
  if (isOldGeneration(profile)) return [];
  const list = model.recentIds().map((id) => ({ content_id: recentlySetId(id) }));

  return [{ event: 'recently_set_updated', recently_set_list: tvJson(list, profile) }];
}

/** `image_selected` with the captured field order (traces: slideshow-events seq 11). */
export function imageSelected(artwork: Artwork, isShown: 'Yes' | 'No'): Inner {
  return {
    event: 'image_selected',
    content_id: artwork.contentId,
    matte_id: artwork.matteId,
    portrait_matte_id: artwork.portraitMatteId,
    is_shown: isShown,
  };
}

/**
 * One slideshow step as the 2022 set broadcast it: `recently_set_updated` → `image_selected` →
 * `slideshow_image_changed` (traces: slideshow-events seq 10–48, full-replies seq 8–10).
 */
export function slideshowStep(model: FrameModel, profile: SimProfile, artwork: Artwork): Inner[] {
  const type = model.slideshow.type === '' ? 'slideshow' : model.slideshow.type;

  return [
    ...recentlySetUpdated(model, profile),
    imageSelected(artwork, model.artMode === 'on' ? 'Yes' : 'No'),
    { event: 'slideshow_image_changed', current_content_id: artwork.contentId, type },
  ];
}
