import { type ArtworkDescription, cut } from './schema.js';

/** Home Assistant refuses entity states longer than this (`MAX_LENGTH_STATE_STATE`, home-assistant.md §2.5). */
export const MAX_SENSOR_STATE_CHARS = 255;

export interface DescriptionMeta {
  contentId: string;
  /** Model that wrote the description. */
  model: string;
  /** Language of the text fields. */
  language: string;
  /** ISO 8601 time the description was made. */
  describedAt: string;
}

/** The retained JSON on `docent/<tv>/artwork/<content_id>/description` (snake_case keys). */
export interface DescriptionPayload {
  content_id: string;
  title: string;
  artist: string;
  year: string;
  medium: string;
  style: string;
  mood: string;
  description: string;
  tags: string[];
  confidence: number;
  model: string;
  language: string;
  described_at: string;
}

export function toDescriptionPayload(
  description: ArtworkDescription,
  meta: DescriptionMeta,
): DescriptionPayload {
  return {
    content_id: meta.contentId,
    title: description.title,
    artist: description.artist,
    year: description.year,
    medium: description.medium,
    style: description.style,
    mood: description.mood,
    description: description.description,
    tags: [...description.tags],
    confidence: roundConfidence(description.confidence),
    model: meta.model,
    language: meta.language,
    described_at: meta.describedAt,
  };
}

/**
 * A sensor state for the artwork on the wall: `"<title> — <artist>"`, or the title alone when
 * the artist is unknown, cut to fit Home Assistant's 255-character state limit.
 */
export function toSensorState(description: ArtworkDescription): string {
  const artist = description.artist.trim();
  const known = artist !== '' && artist.toLowerCase() !== 'unknown';
  const text = known ? `${description.title} — ${artist}` : description.title;

  return cut(text, MAX_SENSOR_STATE_CHARS);
}

/**
 * The sensor's attributes: everything the state leaves out. Small by construction (the schema
 * caps every field), far below the recorder's 16 KB attribute limit (home-assistant.md §2.12).
 */
export function toSensorAttributes(
  description: ArtworkDescription,
): Omit<DescriptionPayload, 'content_id' | 'model' | 'language' | 'described_at'> {
  return {
    title: description.title,
    artist: description.artist,
    year: description.year,
    medium: description.medium,
    style: description.style,
    mood: description.mood,
    description: description.description,
    tags: [...description.tags],
    confidence: roundConfidence(description.confidence),
  };
}

function roundConfidence(confidence: number): number {
  return Math.round(confidence * 100) / 100;
}
