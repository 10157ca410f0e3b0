/**
 * How values are handed to the `feed` package (6.0.0) so its XML comes out valid,
 * and the post-processing that finishes it: `feed` 6.0.0 escapes `]]>` only once per
 * field, writes characters XML 1.0 forbids, and throws on ids that are not URLs.
 *
 * Every value reaching here went through `xmlSafe`, so it holds no C0 control
 * characters: the markers below are controls, can only have come from us, and
 * `finishXml` can replace them without ever touching article text.
 */

/** Stands for `]]>` inside a CDATA section (xml-js splits only the first one). */
const CDATA_END = '\u0001';
/** Stands for `<` in an attribute `feed` &-escapes (xml-js escapes only `"`). */
const ATTR_LT = '\u0002';
/** Opens an Atom entry title, so `finishAtom` can turn its `type="html"` into text. */
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

/** Bracket a title inside the CDATA section `feed` writes for it (see `textInCdata`). */
const TEXT_OPEN = '\u0005';
const TEXT_CLOSE = '\u0006';

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * For a title, which `feed` always writes as CDATA: the value goes in XML-escaped and
 * bracketed, and `finishXml` drops the CDATA around it. A title is plain text, and one such as
 * `Why <script> blocks` must not put the bytes `<script` into the feed, where a careless
 * reader could take them for markup.
 */
export function textInCdata(value: string, marker = ''): string {
  return `${TEXT_OPEN}${marker}${value.replace(/[&<>]/g, (ch) => ENTITY[ch] ?? ch)}${TEXT_CLOSE}`;
}

/**
 * One `rel="hub"` link per WebSub hub, right after the feed's self link (`feed` writes one hub
 * at most). `linkOf` writes the element for a hub URL, already attribute-escaped.
 */
export function addHubLinks(
  xml: string,
  hubs: readonly string[],
  selfLink: RegExp,
  linkOf: (href: string) => string,
): string {
  if (hubs.length === 0) return xml;
  return xml.replace(selfLink, (self, indent: string) =>
    [self, ...hubs.map((hub) => `${indent}${linkOf(rawAttr(hub).replaceAll('"', '&quot;'))}`)].join(
      '\n',
    ),
  );
}

/** Replaces the markers with the XML they stand for. */
export function finishXml(xml: string): string {
  return xml
    .replaceAll(`<![CDATA[${TEXT_OPEN}`, '')
    .replaceAll(`${TEXT_CLOSE}]]>`, '')
    .replaceAll(CDATA_END, ']]]]><![CDATA[>')
    .replaceAll(ATTR_LT, '&lt;');
}
