import sanitizeHtml from 'sanitize-html';
import { HTML_ALLOW_LIST } from '../articles/html-allow-list.ts';
import { xmlSafe } from './xml-safe.ts';

/**
 * Article HTML made safe to serve from the site's own origin. Ingest already
 * sanitized it; pages run it through the same allow-list again because a stored value
 * can come from anywhere (CLI, a manual fix).
 */
export function guardHtml(html: string): string {
  return xmlSafe(sanitizeHtml(xmlSafe(html), HTML_ALLOW_LIST));
}
