import type { FrameModel } from './frame-model.js';
import type { InnerRequest } from './messages.js';
import type { SimProfile } from './profile.js';
import {
  type ArtRequestContext,
  ERROR_NOT_SUPPORTED_API,
  ERROR_TEMPORARILY_UNAVAILABLE,
  type Handler,
  type RequestCall,
  type RequestOutcome,
  requestedCategory,
  silent,
  systemFail,
  WRITE_REQUESTS,
} from './request-outcome.js';
import { isImplemented } from './request-support.js';
import { FIVE_X_HANDLERS } from './requests-5x.js';
import { CONTENT_HANDLERS } from './requests-content.js';
import { STATUS_HANDLERS } from './requests-status.js';
import { TRANSFER_HANDLERS } from './requests-transfer.js';

export {
  type ArtRequestContext,
  type ConnInfo,
  ERROR_REQUEST_PARSE_FAIL,
  ERROR_SYSTEM_FAIL,
  type RequestCall,
  type RequestOutcome,
} from './request-outcome.js';

const HANDLERS: Record<string, Handler> = {
  ...STATUS_HANDLERS,
  ...CONTENT_HANDLERS,
  ...TRANSFER_HANDLERS,
  ...FIVE_X_HANDLERS,
};

/** How many items a request works on, for its service time (see latency.ts). */
export function requestItems(
  request: InnerRequest,
  model: FrameModel,
  profile: SimProfile,
): number {
  if (request.request === 'get_content_list') {
    return model.list(requestedCategory(request, profile)).length;
  }
  if (request.request === 'get_thumbnail_list') {
    const list = request.content_id_list;

    return Array.isArray(list) ? list.length : 0;
  }

  return 1;
}

function unknownOutcome(profile: SimProfile): RequestOutcome {
  if (profile.unknownRequest === 'error-9') return { kind: 'error', code: ERROR_NOT_SUPPORTED_API };
  if (profile.unknownRequest === 'error-1') return systemFail;

  return silent;
}

/** Runs one art request against the model. */
export async function handleArtRequest(
  call: RequestCall,
  ctx: ArtRequestContext,
): Promise<RequestOutcome> {
  const name = call.request.request;
  const unavailable = ctx.switches.temporarilyUnavailable.indexOf(name);
  if (unavailable >= 0) {
    // A new array: the default list is shared by every simulator (switches are copied shallowly).
    ctx.switches.temporarilyUnavailable = ctx.switches.temporarilyUnavailable.filter(
      (_, i) => i !== unavailable,
    );
    return { kind: 'error', code: ERROR_TEMPORARILY_UNAVAILABLE };
  }
  if (ctx.model.power === 'standby' && WRITE_REQUESTS.has(name)) return silent;
  if (ctx.profile.silentRequests.includes(name)) return silent;
  const handler = HANDLERS[name];
  if (!handler || !isImplemented(name, ctx.profile.generation)) return unknownOutcome(ctx.profile);

  return handler(call, ctx);
}
