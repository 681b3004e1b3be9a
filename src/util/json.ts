/** `JSON.parse` of text or bytes that never throws: undefined for anything not JSON. */
export function parseJsonOrUndefined(text: string | Buffer): unknown {
  try {
    return JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch {
    return undefined;
  }
}
