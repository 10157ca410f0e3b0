import { createHash } from 'node:crypto';
import { xmlSafe } from './xml-safe.ts';

// Fixed namespace for name-based ids: the same guid always maps to the same urn:uuid.
const NAMESPACE = Buffer.from('5f0e6c2a7b1d4e8f9a3c2b1d0e4f6a7b', 'hex');

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
  return nameBasedUuid(text || xmlSafe(fallbackSeed));
}

function nameBasedUuid(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
