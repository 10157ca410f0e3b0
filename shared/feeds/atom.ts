import { Feed, type Author as FeedAuthor, type Item } from 'feed';
import {
  addHubLinks,
  addLinks,
  archiveElements,
  cdata,
  ENCLOSURE,
  escapedAttr,
  FEED_HISTORY,
  finishXml,
  TEXT_TITLE,
  text,
  textInCdata,
} from './feed-package-fixes.ts';
import type { DeletedEntryView, FeedView } from './feed-view.ts';
import type { ItemView, PersonView } from './item-view.ts';
import { escapeMarkup } from './xml-safe.ts';

const ROOT = '<feed xmlns="http://www.w3.org/2005/Atom">';
/** RFC 6721's namespace, declared on the root only when the feed has deleted entries. */
const TOMBSTONES = 'http://purl.org/atompub/tombstones/1.0';

/** Atom 1.0 through `feed`, then: text titles, xml:lang, real enclosure types. */
export const atom = {
  key: 'atom',
  render(view: FeedView): string {
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
    view.items.forEach((item, index) => {
      feed.addItem(atomItem(item, index, view.tagScheme));
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
    return finishXml(feed.atom1(), {
      firstItemLine: '    <entry>',
      head: (head, whole) =>
        addLinks(
          addHubLinks(atomHead(head, whole, view), view.hubs, self, (href) => {
            return `<link rel="hub" href="${href}"/>`;
          }),
          self,
          archive,
        ),
      atom: {
        enclosureType: (index) => view.items[index]?.image?.type,
        enclosureLength: (index) => view.items[index]?.image?.length,
      },
    });
  },
} as const;

function atomItem(item: ItemView, index: number, tagScheme: string): Item {
  return {
    title: textInCdata(item.title, TEXT_TITLE),
    id: item.id,
    link: item.link,
    date: item.updated,
    published: item.published,
    // feed writes summary as type="html": the plain-text summary is escaped first.
    ...(item.summary ? { description: cdata(escapeMarkup(item.summary)) } : {}),
    content: cdata(item.contentHtml),
    category: item.tags.map((tag) => ({
      term: escapedAttr(tag.slug),
      // feed writes `name` as the Atom label.
      name: escapedAttr(tag.name),
      scheme: tagScheme,
    })),
    author: item.authors.map(person),
    ...(item.image
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
 * `feed` ignores `language` and knows no namespaces but Atom's: the head gets xml:lang, the
 * namespaces it uses, and the deleted entries. (Its html titles and guessed enclosure types are
 * fixed in the scan that finishes the markers, finishXml.)
 */
function atomHead(head: string, whole: boolean, view: FeedView): string {
  const lang = view.language ? ` xml:lang="${view.language}"` : '';
  const at = view.deletedEntries.length > 0 ? ` xmlns:at="${TOMBSTONES}"` : '';
  const fh = view.archive.current ? ` xmlns:fh="${FEED_HISTORY}"` : '';
  const rooted = head.replace(ROOT, `${ROOT.slice(0, -1)}${at}${fh}${lang}>`);
  if (!at) return rooted;
  // Atom's schema takes extension elements among the feed's metadata, before its entries.
  const end = whole ? rooted.lastIndexOf('</feed>') : rooted.length;
  return `${rooted.slice(0, end)}${view.deletedEntries.map(deletedEntry).join('')}${rooted.slice(end)}`;
}

/** RFC 6721 §2: the entry's id, when it was withdrawn, its page, and the editor's note. */
function deletedEntry(entry: DeletedEntryView): string {
  const comment = entry.comment
    ? `\n        <at:comment>${escapeMarkup(entry.comment)}</at:comment>`
    : '';
  return `    <at:deleted-entry ref="${escapeMarkup(entry.ref)}" when="${entry.when.toISOString()}">
        <link rel="alternate" type="text/html" href="${escapeMarkup(entry.pageUrl)}"/>${comment}
    </at:deleted-entry>\n`;
}
