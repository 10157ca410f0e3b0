/**
 * How values are handed to the `feed` package (6.0.0) so its XML comes out valid,
 * and the post-processing that finishes it. See STACK-NOTES "feed 6.0.0".
 *
 * Every value reaching here went through `xmlSafe`, so it holds no C0 control
 * characters: the markers below are controls, can only have come from us, and
 * `finishXml` can replace them without ever touching article text.
 */

/** Stands for `]]>` inside a CDATA section (xml-js splits only the first one). */
const CDATA_END = '\u0001';
/** Stands for `<` in an attribute `feed` &-escapes (xml-js escapes only `"`). */
const ATTR_LT = '\u0002';
/** Opens an Atom entry title, so `finishXml` can turn its `type="html"` into text. */
export const TEXT_TITLE = '\u0003';
/** Brackets an item index in an Atom enclosure title, to set its real MIME type. */
export const ENCLOSURE = '\u0004';

/** For a field `feed` writes as CDATA (titles, descriptions, content). */
export function cdata(value: string): string {
  return value.replaceAll(']]>', CDATA_END);
}

/** For a text node: xml-js first turns `&amp;` back into `&`, so one level is given extra. */
export function text(value: string): string {
  return value.replaceAll('&', '&amp;');
}

/** For an attribute `feed` passes through its own `&` escaping (category term/label). */
export function escapedAttr(value: string): string {
  return value.replaceAll('<', ATTR_LT);
}

/** For an attribute nobody escapes but xml-js's `"` (RSS category domain, enclosure type). */
export function rawAttr(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Rewrites `<tag><![CDATA[...]]></tag>` (how `feed` writes item titles) as escaped text:
 * a title is plain text, and a title such as `Why <script> blocks` must not put the bytes
 * `<script` into the feed, where a careless reader could take them for markup.
 */
export function cdataToText(xml: string, open: string, close: string): string {
  const section = new RegExp(`${open}<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>${close}`, 'g');
  return xml.replace(section, (_match, body: string) => {
    const value = body.replaceAll(']]]]><![CDATA[>', ']]>');
    return `${open}${value.replace(/[&<>]/g, (ch) => ENTITY[ch] ?? ch)}${close}`;
  });
}

/** Replaces the markers with the XML they stand for. */
export function finishXml(xml: string): string {
  return xml.replaceAll(CDATA_END, ']]]]><![CDATA[>').replaceAll(ATTR_LT, '&lt;');
}
