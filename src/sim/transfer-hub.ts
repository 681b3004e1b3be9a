import type { Logger } from '../log.js';
import type { Artwork } from './catalogue.js';
import type { TlsMaterial } from './certificate.js';
import { openThumbnailTransfer } from './d2d.js';
import type { D2dListener } from './d2d-listener.js';
import type { FrameModel } from './frame-model.js';
import type { SimProfile } from './profile.js';
import type { ConnInfo, UploadResult, UploadSpec } from './request-outcome.js';
import type { SimCounters } from './sim-types.js';
import type { SimSwitches } from './switches.js';
import type { ThumbnailStore } from './thumbnails.js';
import { openUploadReceiver, storeUploadedImage } from './uploads.js';

export interface TransferHubDeps {
  host: string;
  model: FrameModel;
  profile: SimProfile;
  switches: SimSwitches;
  thumbnails: ThumbnailStore;
  counters: SimCounters;
  logger: Logger;
  /** The TV certificate, for profiles whose d2d sockets are `secured` (§4.4). */
  tls(): TlsMaterial | undefined;
}

/** The d2d listeners of thumbnail transfers and uploads (frame-protocol §4), tracked for close. */
export class TransferHub {
  private readonly open = new Set<D2dListener>();

  constructor(private readonly deps: TransferHubDeps) {}

  async thumbnails(artworks: Artwork[]): Promise<ConnInfo> {
    const { switches, counters } = this.deps;
    const mode = switches.thumbnailList;
    const slow = mode === 'slow-empty';
    const transfer = await openThumbnailTransfer({
      host: this.deps.host,
      artworks,
      jpegOf: (artwork) => this.deps.thumbnails.jpegOf(artwork),
      tls: this.secureTls(),
      acceptTimeoutMs: this.deps.profile.d2dAcceptTimeoutMs,
      slowEmptyMs: slow ? switches.thumbnailSlowMs : undefined,
      fault: mode === 'reset' || mode === 'truncated' ? mode : 'none',
      logger: this.deps.logger,
      onRecordSent: (bytes, whole) => {
        if (whole) counters.thumbnailsSent += 1;
        counters.bytesSent += bytes;
      },
    });
    this.track(transfer);

    return transfer.connInfo;
  }

  async upload(spec: UploadSpec, onDone: (result: UploadResult) => void): Promise<ConnInfo> {
    const receiver = await openUploadReceiver({
      host: this.deps.host,
      tls: this.secureTls(),
      acceptTimeoutMs: this.deps.profile.d2dAcceptTimeoutMs,
      logger: this.deps.logger,
      spec,
      onReceived: (bytes, complete) => {
        storeUploadedImage(this.deps.model, spec, bytes, complete).then(onDone, (err: unknown) =>
          this.deps.logger.warn({ err }, 'upload could not be stored'),
        );
      },
    });
    this.track(receiver);

    return receiver.connInfo;
  }

  closeAll(): void {
    for (const listener of this.open) listener.close();
  }

  private secureTls(): TlsMaterial | undefined {
    return this.deps.profile.d2dSecured ? this.deps.tls() : undefined;
  }

  private track(listener: D2dListener): void {
    this.open.add(listener);
    void listener.done.then(() => this.open.delete(listener));
  }
}
