import { Feed, type Item } from 'feed';
import { EPOCH } from './dates.ts';
import type { ItemView } from './item-view.ts';
import type { DocumentPiece, RenderedItems } from './rendered-items.ts';

/**
 * How values are handed to the `feed` package (6.0.0) so its XML comes out valid, and the one
 * pass over each piece of a document that finishes it (finishXml, writeItems): `feed` 6.0.0
 * escapes `]]>` only once per field, writes characters XML 1.0 forbids, and throws on ids that
 * are not URLs.
 *
 * Every value reaching here went through `xmlSafe`, so it holds no C0 control
 * characters: the markers below are controls, can only have come from us, and the finishing
 * pass can replace them without ever touching article text.
 */

/** Stands for `]]>` inside a CDATA section (xml-js splits only the first one). */
const CDATA_END = '\u0001';
/** Stands for `<` in an attribute `feed` &-escapes (xml-js escapes only `"`). */
const ATTR_LT = '\u0002';
/** Opens an Atom entry title, so the finishing pass turns its `type="html"` into text. */
export const TEXT_TITLE = '\u0003';
/** Brackets an item index in an Atom enclosure title, to set its real MIME type. */
export const ENCLOSURE = '\u0004';
/** Brackets an item index where its content goes (see `contentAt`). */
const CONTENT = '\u0007';

/** For a field `feed` writes as CDATA (descriptions; titles and content have their own). */
export function cdata(value: string): string {
  return value.replaceAll(']]>', CDATA_END);
}

/**
 * For item `index`'s content, by far its largest field: `feed` writes a placeholder in the CDATA
 * section, and the content goes in when the document is put together (`ItemMarkers.content`),
 * so a story is copied once, into the document, instead of at each of the levels xml-js joins.
 */
export function contentAt(index: number): string {
  return `${CONTENT}${index}${CONTENT}`;
}

/** A CDATA section's text: every `]]>` split across two sections. */
export function cdataText(value: string): string {
  return value.replaceAll(']]>', ']]]]><![CDATA[>');
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
  return addLinks(
    xml,
    selfLink,
    hubs.map((hub) => linkOf(rawAttr(hub).replaceAll('"', '&quot;'))),
  );
}

/** Elements (already escaped) written right after the feed's self link, on lines of their own. */
export function addLinks(xml: string, selfLink: RegExp, elements: readonly string[]): string {
  if (elements.length === 0) return xml;
  return xml.replace(selfLink, (self, indent: string) =>
    [self, ...elements.map((element) => `${indent}${element}`)].join('\n'),
  );
}

/** RFC 5005's namespace, for `fh:archive` on archive pages. */
export const FEED_HISTORY = 'http://purl.org/syndication/history/1.0';

/**
 * A document's RFC 5005 links (`current`, `prev-archive`, `next-archive`) as `element(rel, href)`
 * writes them, href attribute-escaped; then `fh:archive` on an archive page.
 */
export function archiveElements(
  archive: { current?: string; older?: string; newer?: string },
  element: (rel: string, href: string) => string,
): string[] {
  const links: [string, string | undefined][] = [
    ['current', archive.current],
    ['prev-archive', archive.older],
    ['next-archive', archive.newer],
  ];
  return [
    ...links.flatMap(([rel, href]) =>
      href ? [element(rel, rawAttr(href).replaceAll('"', '&quot;'))] : [],
    ),
    ...(archive.current ? ['<fh:archive/>'] : []),
  ];
}

/** How the markers of items are finished (see `finishXml`). */
export interface ItemMarkers {
  /** Item `index`'s content, as the text of the CDATA section `feed` wrote (see `contentAt`). */
  content(index: number): string;
  /** The real MIME type of Atom entry `index`'s enclosure; none drops `feed`'s guess. */
  enclosureType?(index: number): string | undefined;
  /** Its size in bytes, when known (Atom's `length` is optional: none is written otherwise). */
  enclosureLength?(index: number): number | undefined;
}

/** What `finishXml` does besides replacing the markers. */
export interface Finish {
  /**
   * The line that opens the first item (`        <item>`): the document's head is every line
   * before it, or the whole document when there is none.
   */
  firstItemLine: string;
  /**
   * Edits to the head, with its markers already finished: the root element's namespaces, the
   * links after the self link, and so on. The head is a few lines, so these may copy it.
   */
  head(head: string): string;
  markers?: ItemMarkers;
}

const CDATA_OPEN = '<![CDATA[';
const HTML_TITLE_OPEN = '<title type="html">';
const ENCLOSURE_TITLE = ' title="';
const TYPE_ATTRIBUTE = '" type="';
// TEXT_TITLE is not looked for: it only comes right after TEXT_OPEN, which takes it in.
const MARKERS = [CDATA_END, ATTR_LT, ENCLOSURE, TEXT_OPEN, TEXT_CLOSE, CONTENT];

/**
 * `(pos) => ` the index of the first marker at or after `pos` (-1: none), for rising `pos`: one
 * indexOf per kind of marker and per marker found, so the text is read once per kind.
 */
function markerFinder(xml: string, from: number): (pos: number) => number {
  const nextAt = MARKERS.map((marker) => xml.indexOf(marker, from));
  return (pos) => {
    let first = -1;
    MARKERS.forEach((marker, k) => {
      let at = nextAt[k] ?? -1;
      if (at >= 0 && at < pos) {
        at = xml.indexOf(marker, pos);
        nextAt[k] = at;
      }
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    return first;
  };
}

/** Where `finishMarkers` stopped (`to`, or past it if a replacement ran on); if it replaced any. */
interface Finished {
  end: number;
  replaced: boolean;
}

/**
 * Pushes `xml` from `from` to `to` onto `parts`, its markers replaced with the XML they stand
 * for. Markers are controls `xmlSafe` keeps out of every value, so each one found is ours, in
 * the context `feed` put it: TEXT_OPEN right after `<![CDATA[` (an Atom entry title's also
 * before TEXT_TITLE, after `<title type="html">`), TEXT_CLOSE before `]]>`, ENCLOSURE around an
 * index in ` title="…" type="…"`. They are found with indexOf, many times faster than a regular
 * expression over a 500 KB document.
 */
function finishMarkers(
  xml: string,
  range: { from: number; to: number },
  parts: string[],
  markers?: ItemMarkers,
  nextMarker = markerFinder(xml, range.from),
): Finished {
  let { from } = range;
  let replaced = false;
  let pos = from;
  for (let at = nextMarker(pos); at >= 0 && at < range.to; at = nextMarker(pos)) {
    pos = at + 1;
    const marker = xml[at];
    let upTo = at;
    let next = at + 1;
    let out = '';
    if (marker === CDATA_END) out = ']]]]><![CDATA[>';
    else if (marker === ATTR_LT) out = '&lt;';
    else if (marker === TEXT_OPEN && xml.startsWith(CDATA_OPEN, at - CDATA_OPEN.length)) {
      upTo = at - CDATA_OPEN.length;
      if (
        xml[next] === TEXT_TITLE &&
        xml.startsWith(HTML_TITLE_OPEN, upTo - HTML_TITLE_OPEN.length)
      ) {
        upTo -= HTML_TITLE_OPEN.length;
        out = '<title type="text">';
        next += 1;
      }
    } else if (marker === TEXT_CLOSE && xml.startsWith(']]>', next)) next += 3;
    else if (marker === CONTENT && markers) {
      const close = xml.indexOf(CONTENT, next);
      if (close < 0) continue;
      out = markers.content(Number(xml.slice(next, close)));
      next = close + 1;
    } else if (
      marker === ENCLOSURE &&
      markers?.enclosureType &&
      xml.startsWith(ENCLOSURE_TITLE, at - ENCLOSURE_TITLE.length)
    ) {
      const close = xml.indexOf(ENCLOSURE, next);
      const typeEnd = close < 0 ? -1 : xml.indexOf('"', close + 1 + TYPE_ATTRIBUTE.length);
      if (typeEnd < 0 || !xml.startsWith(TYPE_ATTRIBUTE, close + 1)) continue;
      const index = Number(xml.slice(next, close));
      const type = markers.enclosureType(index);
      const length = markers.enclosureLength?.(index);
      upTo = at - ENCLOSURE_TITLE.length;
      out = `${type ? ` type="${type}"` : ''}${length !== undefined ? ` length="${length}"` : ''}`;
      next = typeEnd + 1;
    } else continue;
    parts.push(xml.slice(from, upTo), out);
    replaced = true;
    from = next;
    // What the replacement took in is done with (a title marker, an enclosure's type).
    pos = next;
  }
  parts.push(xml.slice(from, range.to));
  return { end: Math.max(from, range.to), replaced };
}

/**
 * Finishes a document of `feed`'s with one copy: the markers are replaced, and `finish.head`
 * edits the head. A feed of 50 full articles is over 500 KB, and each pass of a replace would
 * copy it; nothing to change, and it is not copied at all.
 */
export function finishXml(xml: string, finish: Finish): string {
  const firstItem = xml.indexOf(`\n${finish.firstItemLine}`);
  const headEnd = firstItem < 0 ? xml.length : firstItem + 1;
  const headParts: string[] = [];
  // One finder for both ranges, so the document is read once.
  const finder = markerFinder(xml, 0);
  const head = finishMarkers(xml, { from: 0, to: headEnd }, headParts, finish.markers, finder);
  const parts = [finish.head(headParts.join(''))];
  const body = finishMarkers(
    xml,
    { from: head.end, to: xml.length },
    parts,
    finish.markers,
    finder,
  );
  if (!head.replaced && !body.replaced && parts[0] === xml.slice(0, head.end)) return xml;
  return parts.join('');
}

/** A feed that only carries one item; the rest of it is dropped (dated, not to read the clock). */
const ONE_ITEM = { title: '', generator: false, updated: EPOCH } as const;

/**
 * The items, each written by a `feed` of its own (`write`: `rss2()` or `atom1()`) and finished
 * as finishXml does: the lines from `firstItemLine` up to `closing` (the root's end tag), as
 * they would be in a document with more items. Pieces of the document, in order.
 */
export function writeItems(
  items: readonly Item[],
  write: (feed: Feed) => string,
  lines: { firstItemLine: string; closing: string },
  markers?: ItemMarkers,
): string[] {
  const parts: string[] = [];
  for (const item of items) {
    const one = new Feed(ONE_ITEM);
    one.addItem(item);
    const xml = write(one);
    // The item's start tag may carry attributes its writer added (an entry's xml:lang).
    const first = xml.indexOf(`\n${lines.firstItemLine.replace(/>$/, '')}`);
    if (first < 0) continue;
    finishMarkers(xml, { from: first + 1, to: xml.lastIndexOf(lines.closing) }, parts, markers);
  }
  return parts;
}

/**
 * The items of `views` as writeItems writes them (`toItem` makes each one's `feed` item, from
 * its place in `views`). With `kept`, each is written alone and kept in `kept.written` under its
 * format and the feed settings it carries, or taken from there if an earlier render wrote it:
 * the same text, one piece per item (as its bytes).
 */
export function writeItemViews(
  views: readonly ItemView[],
  toItem: (view: ItemView, index: number) => Item,
  write: (feed: Feed) => string,
  lines: { firstItemLine: string; closing: string },
  markers: ItemMarkers,
  kept?: { written: RenderedItems; format: string; settings: string },
): DocumentPiece[] {
  if (!kept) return writeItems(views.map(toItem), write, lines, markers);
  return views.map((view, index) =>
    kept.written.item(kept.format, kept.settings, view, () =>
      writeItems([toItem(view, index)], write, lines, markers).join(''),
    ),
  );
}
