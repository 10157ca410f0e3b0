import { Feed, type Author as FeedAuthor, type Item } from 'feed';
import {
  addHubLinks,
  addLinks,
  archiveElements,
  cdata,
  cdataText,
  contentAt,
  ENCLOSURE,
  escapedAttr,
  FEED_HISTORY,
  finishXml,
  type ItemMarkers,
  TEXT_TITLE,
  text,
  textInCdata,
  writeItemViews,
} from './feed-package-fixes.ts';
import type { DeletedEntryView, FeedView } from './feed-view.ts';
import type { ItemView, PersonView } from './item-view.ts';
import type { DocumentPiece, RenderedItems } from './rendered-items.ts';
import { escapeMarkup } from './xml-safe.ts';

const ROOT = '<feed xmlns="http://www.w3.org/2005/Atom">';
/** RFC 6721's namespace, declared on the root only when the feed has deleted entries. */
const TOMBSTONES = 'http://purl.org/atompub/tombstones/1.0';

const ENTRY_LINE = '    <entry>';
const END = '</feed>';

/**
 * Atom 1.0 through `feed`, then: text titles, xml:lang, real enclosure types. Each entry is
 * written by a `feed` of its own and the document put together once: the head needs changes,
 * and a document of 50 full entries is over 500 KB, which a change to its head would copy.
 * Entries an earlier render wrote are taken from `written` when given.
 */
export const atom = {
  key: 'atom',
  render(view: FeedView, written?: RenderedItems): DocumentPiece[] {
    const feed = new Feed({
      // One feed, one id: its archive pages carry the subscription document's.
      id: text(view.feedId),
      title: text(view.title),
      description: text(view.description),
      link: view.homeUrl,
      feedLinks: { atom: view.selfUrl.atom },
      updated: view.updated,
      generator: view.generator,
      author: person(view.publisher),
      // Atom <logo> and <icon>: the one square icon serves as both.
      ...(view.icon ? { image: view.icon, favicon: view.icon } : {}),
    });
    const self = /^( *)<link rel="self" [^>]*\/>$/m;
    const archive = archiveElements(
      {
        current: view.archive.current?.atom,
        older: view.archive.older?.atom,
        newer: view.archive.newer?.atom,
      },
      (rel, href) => `<link rel="${rel}" type="application/atom+xml" href="${href}"/>`,
    );
    const markers: ItemMarkers = {
      content: (index) => cdataText(view.items[index]?.contentHtml ?? ''),
      enclosureType: (index) => view.items[index]?.image?.type,
      enclosureLength: (index) => view.items[index]?.image?.length,
    };
    // The feed without its entries: its head and the root's end tag.
    const shell = finishXml(feed.atom1(), {
      firstItemLine: ENTRY_LINE,
      head: (head) =>
        addLinks(
          addHubLinks(atomHead(head, view), view.hubs, self, (href) => {
            return `<link rel="hub" href="${href}"/>`;
          }),
          self,
          archive,
        ),
      markers,
    });
    const end = shell.lastIndexOf(END);
    // `feed` writes no language for an entry: an article that names its language (often not
    // the site's) says so on its entry (xml:lang is inherited by its title and content).
    const languages = new WeakMap<Item, string>();
    const entries = writeItemViews(
      view.items,
      (item, index) => {
        const entry = atomItem(item, index, view.tagScheme);
        if (item.language) languages.set(entry, item.language);
        return entry;
      },
      (one) => withEntryLanguage(one.atom1(), one.items[0] && languages.get(one.items[0])),
      { firstItemLine: ENTRY_LINE, closing: END },
      markers,
      written && { written, format: 'atom', settings: view.tagScheme },
    );
    return [shell.slice(0, end), ...entries, shell.slice(end)];
  },
} as const;

/** The one entry's start tag with `xml:lang` (an RFC 5646 tag: safe in an attribute as it is). */
function withEntryLanguage(xml: string, language: string | undefined): string {
  return language ? xml.replace(`\n${ENTRY_LINE}`, `\n    <entry xml:lang="${language}">`) : xml;
}

function atomItem(item: ItemView, index: number, tagScheme: string): Item {
  return {
    title: textInCdata(item.title, TEXT_TITLE),
    id: item.id,
    link: item.link,
    date: item.updated,
    published: item.published,
    // feed writes summary as type="html": the plain-text summary is escaped first.
    ...(item.summary ? { description: cdata(escapeMarkup(item.summary)) } : {}),
    content: contentAt(index),
    category: item.tags.map((tag) => ({
      term: escapedAttr(tag.slug),
      // feed writes `name` as the Atom label.
      name: escapedAttr(tag.name),
      scheme: tagScheme,
    })),
    author: item.authors.map(person),
    // An enclosure only of a file whose type is known, as in RSS and JSON Feed.
    ...(item.image?.type
      ? { image: { url: item.image.url, title: `${ENCLOSURE}${index}${ENCLOSURE}` } }
      : {}),
  };
}

function person(p: PersonView): FeedAuthor {
  return {
    name: text(p.name),
    ...(p.email ? { email: text(p.email) } : {}),
    ...(p.url ? { link: p.url } : {}),
  };
}

/**
 * `feed` ignores `language` and knows no namespaces but Atom's: the head (the feed without its
 * entries) gets xml:lang, the namespaces it uses, and the deleted entries. (Its html titles and
 * guessed enclosure types are fixed where the markers are finished.)
 */
function atomHead(head: string, view: FeedView): string {
  const lang = view.language ? ` xml:lang="${view.language}"` : '';
  const at = view.deletedEntries.length > 0 ? ` xmlns:at="${TOMBSTONES}"` : '';
  const fh = view.archive.current ? ` xmlns:fh="${FEED_HISTORY}"` : '';
  const rooted = head.replace(ROOT, `${ROOT.slice(0, -1)}${at}${fh}${lang}>`);
  if (!at) return rooted;
  // Atom's schema takes extension elements among the feed's metadata, before its entries.
  const end = rooted.lastIndexOf(END);
  return `${rooted.slice(0, end)}${view.deletedEntries.map(deletedEntry).join('')}${rooted.slice(end)}`;
}

/** RFC 6721 §2: the entry's id, when it was withdrawn, its page, and the editor's note. */
function deletedEntry(entry: DeletedEntryView): string {
  const comment = entry.comment
    ? `\n        <at:comment>${escapeMarkup(entry.comment)}</at:comment>`
    : '';
  const link = entry.pageUrl
    ? `\n        <link rel="alternate" type="text/html" href="${escapeMarkup(entry.pageUrl)}"/>`
    : '';
  return `    <at:deleted-entry ref="${escapeMarkup(entry.ref)}" when="${entry.when.toISOString()}">${link}${comment}
    </at:deleted-entry>\n`;
}
