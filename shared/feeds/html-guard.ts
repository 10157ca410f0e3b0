import sanitizeHtml from 'sanitize-html';
import { xmlSafe } from './xml-safe.ts';

// Same spirit as ingest's allow-list: no script, no handlers, no javascript: URLs, no iframes.
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'figure', 'figcaption', 'picture'],
  allowedAttributes: {
    a: ['href', 'title', 'hreflang'],
    img: ['src', 'srcset', 'alt', 'title', 'width', 'height', 'loading'],
    '*': ['lang', 'dir'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
};

/**
 * Article HTML made safe to serve from the site's own origin. Ingest already
 * sanitized it; pages run it through the allow-list again because a stored value
 * can come from anywhere (CLI, a manual fix).
 */
export function guardHtml(html: string): string {
  return xmlSafe(sanitizeHtml(xmlSafe(html), OPTIONS));
}
