import { z } from 'zod';
import type { Artwork, CurrentArtwork, MatteOptions } from '../tv/types.js';

/** Everything Docent remembers about one TV's art between runs (architecture rule 7). */
export interface CatalogSnapshot {
  artworks: Artwork[];
  mattes: MatteOptions | null;
  current: CurrentArtwork | null;
  artMode: 'on' | 'off' | null;
  /** ISO 8601 time of the last change. */
  updatedAt: string;
}

/** Bumped when the file layout changes in a way older code cannot read. */
export const CATALOG_FILE_VERSION = 1;

const artworkSchema = z.object({
  contentId: z.string().min(1),
  categoryId: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  matteId: z.string().nullable(),
  portraitMatteId: z.string().nullable(),
  imageDate: z.string().nullable(),
  contentType: z.string().nullable(),
});

const currentArtworkSchema = z.object({
  contentId: z.string().min(1),
  categoryId: z.string().nullable(),
  matteId: z.string().nullable(),
  portraitMatteId: z.string().nullable(),
  contentType: z.string().nullable(),
});

const matteOptionsSchema = z.object({
  types: z.array(z.string()),
  colors: z.array(z.string()),
});

/** The shape of `catalog.json`: the snapshot plus a version and the TV it belongs to. */
export const catalogFileSchema = z.object({
  version: z.literal(CATALOG_FILE_VERSION),
  tvId: z.string(),
  artworks: z.array(artworkSchema),
  mattes: matteOptionsSchema.nullable(),
  current: currentArtworkSchema.nullable(),
  artMode: z.enum(['on', 'off']).nullable(),
  updatedAt: z.string(),
});

export type CatalogFile = z.infer<typeof catalogFileSchema>;

/** Deep copy, so a snapshot handed out cannot be changed behind its owner's back. */
export function copySnapshot(snapshot: CatalogSnapshot): CatalogSnapshot {
  return {
    artworks: snapshot.artworks.map((artwork) => ({ ...artwork })),
    mattes: snapshot.mattes
      ? { types: [...snapshot.mattes.types], colors: [...snapshot.mattes.colors] }
      : null,
    current: snapshot.current ? { ...snapshot.current } : null,
    artMode: snapshot.artMode,
    updatedAt: snapshot.updatedAt,
  };
}
