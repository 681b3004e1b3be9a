import { DocentError } from '../errors.js';

/** Characters kept as they are in a file name; everything else is percent-encoded. */
const SAFE_CHAR = /^[A-Za-z0-9_-]$/;

/** Well under the 255-byte name limit of common filesystems, leaving room for an extension. */
const MAX_ENCODED_LENGTH = 200;

/**
 * Turns an id from outside (a TV's content id, a configured TV id) into one file-name segment.
 * Every byte outside `[A-Za-z0-9_-]` becomes `%XX` (UTF-8, upper-case hex), so `/`, `\`, `.`
 * and NUL cannot survive and the result can never name a parent directory or another folder.
 * The mapping is one-to-one and reversed by {@link decodeSafeName}.
 *
 * Throws `ID_INVALID` for an empty id or one whose encoding would be too long for a file name.
 */
export function encodeSafeName(id: string): string {
  if (id.length === 0) {
    throw new DocentError('ID_INVALID', 'an empty id cannot name a file');
  }
  if (!isWellFormed(id)) {
    // A lone surrogate would encode as U+FFFD and collide with other ids.
    throw new DocentError('ID_INVALID', 'id is not well-formed UTF-16');
  }

  let encoded = '';
  for (const char of id) {
    if (SAFE_CHAR.test(char)) {
      encoded += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) {
      encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }

  if (encoded.length > MAX_ENCODED_LENGTH) {
    throw new DocentError('ID_INVALID', 'id is too long to name a file');
  }

  return encoded;
}

/**
 * The id a file-name segment made by {@link encodeSafeName} stands for, or null when the
 * segment is not exactly what `encodeSafeName` would produce (a stray or hand-made file).
 */
export function decodeSafeName(segment: string): string | null {
  if (segment.length === 0 || segment.length > MAX_ENCODED_LENGTH) {
    return null;
  }

  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return null;
  }

  if (!isWellFormed(id) || encodeSafeName(id) !== segment) {
    return null;
  }

  return id;
}

function isWellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
  } catch {
    return false;
  }

  return true;
}
