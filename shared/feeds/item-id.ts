import { uuidV5 } from '../articles/uuid-v5.ts';
import { xmlSafe } from './xml-safe.ts';

// Fixed namespace for name-based ids: the same guid always maps to the same urn:uuid.
const NAMESPACE = '5f0e6c2a-7b1d-4e8f-9a3c-2b1d0e4f6a7b';

/**
 * The item id every format uses: the article's guid when it is a URI (normally a
 * `urn:uuid:`), otherwise a name-based (v5) `urn:uuid:` derived from it, because Atom
 * ids must be URIs and `feed` throws on anything else.
 */
export function itemId(guid: string, fallbackSeed: string): string {
  const text = xmlSafe(guid).trim();
  if (text && !/\s/.test(text) && URL.canParse(text)) {
    const href = new URL(text).href;
    if (!/[\s<>"]/.test(href)) return href;
  }
  return `urn:uuid:${uuidV5(text || xmlSafe(fallbackSeed), NAMESPACE)}`;
}
