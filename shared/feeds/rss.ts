import { Feed, type Item } from 'feed';
import {
  addHubLinks,
  addLinks,
  archiveElements,
  cdata,
  cdataText,
  contentAt,
  FEED_HISTORY,
  finishXml,
  type ItemMarkers,
  rawAttr,
  text,
  writeItemViews,
} from './feed-package-fixes.ts';
import type { FeedView } from './feed-view.ts';
import { type ItemView, leadKind } from './item-view.ts';
import type { DocumentPiece, RenderedItems } from './rendered-items.ts';
import { escapeMarkup } from './xml-safe.ts';

const MEDIA_RSS = 'http://search.yahoo.com/mrss/';
const RSS_ROOT = '<rss version="2.0"';

const ITEM_LINE = '        <item>';
/** The line after the last item. */
const END = '    </channel>';

/**
 * RSS 2.0 through `feed`, with content:encoded, dc:creator, an atom:link self and hubs. Items
 * after the first are written by a `feed` each and the document put together once, as Atom's
 * entries are: a change to the head (namespaces, hub and archive links) would otherwise copy
 * the whole document, over 500 KB for 50 full stories. Items an earlier render wrote are taken
 * from `written` when given.
 */
export const rss = {
  key: 'rss',
  render(view: FeedView, written?: RenderedItems): DocumentPiece[] {
    const feed = new Feed({
      title: text(view.title),
      // RSS descriptions are HTML by convention: a tag named `<b>` must stay text.
      description: text(escapeMarkup(view.description)),
      link: view.homeUrl,
      feedLinks: { rss: view.selfUrl.rss },
      ...(view.language ? { language: view.language } : {}),
      updated: view.updated,
      generator: text(view.generator),
      // RSS <image>: its title and link are the channel's.
      ...(view.icon ? { image: view.icon } : {}),
    });
    // The first item goes in with the channel, so feed declares the namespaces items use.
    const [first, ...rest] = view.items;
    if (first) feed.addItem(rssItem(first, 0, view.tagScheme));
    const markers: ItemMarkers = {
      content: (index) => cdataText(view.items[index]?.contentHtml ?? ''),
    };
    const namespaces = [
      ...(view.archive.current ? [` xmlns:fh="${FEED_HISTORY}"`] : []),
      ...(view.items.some((item) => item.image) ? [` xmlns:media="${MEDIA_RSS}"`] : []),
    ].join('');
    const self = /^( *)<atom:link [^>]*rel="self"[^>]*\/>$/m;
    // RFC 5005 Appendix B: the same links as atom:link, and fh:archive, in the channel.
    const archive = archiveElements(
      {
        current: view.archive.current?.rss,
        older: view.archive.older?.rss,
        newer: view.archive.newer?.rss,
      },
      (rel, href) => `<atom:link href="${href}" rel="${rel}" type="application/rss+xml"/>`,
    );
    const shell = finishXml(feed.rss2(), {
      firstItemLine: ITEM_LINE,
      markers,
      head: (head) =>
        addLinks(
          addHubLinks(
            namespaces ? head.replace(RSS_ROOT, `${RSS_ROOT}${namespaces}`) : head,
            view.hubs,
            self,
            (href) => `<atom:link href="${href}" rel="hub"/>`,
          ),
          self,
          archive,
        ),
    });
    const end = shell.lastIndexOf(END);
    const others = writeItemViews(
      rest,
      // Indexes from 1: the first item went in with the channel.
      (item, n) => rssItem(item, n + 1, view.tagScheme),
      (one) => one.rss2(),
      { firstItemLine: ITEM_LINE, closing: END },
      markers,
      written && { written, format: 'rss', settings: view.tagScheme },
    );
    return [shell.slice(0, end), ...others, shell.slice(end)];
  },
} as const;

function rssItem(item: ItemView, index: number, tagScheme: string): Item {
  return {
    // feed writes titles as CDATA: the `title` extension puts text in this one's place.
    title: item.title,
    link: item.link,
    guid: text(item.id),
    date: item.updated,
    published: item.published,
    // description is HTML by convention: the plain-text summary is escaped first.
    ...(item.summary ? { description: cdata(escapeMarkup(item.summary)) } : {}),
    content: contentAt(index),
    category: item.tags.map((tag) => ({ name: text(tag.name), domain: rawAttr(tagScheme) })),
    // <author> must be an email address; names go to dc:creator.
    author: item.authors.flatMap((a) =>
      a.email ? [{ name: text(a.name), email: text(a.email) }] : [],
    ),
    extensions: [
      textTitle(item.title),
      ...(item.authors.length > 0 ? [creators(item)] : []),
      ...(item.image ? [mediaContent(item.image)] : []),
    ],
    // An enclosure only of a file whose type is known (as JSON Feed's attachment, which
    // requires one): a podcast app would fetch a lead of no known type as a download.
    ...(item.image?.type
      ? {
          image: {
            url: item.image.url,
            type: item.image.type,
            // RSS requires a length; 0 when it is not known (an external image), as the RSS
            // Advisory Board's profile advises.
            length: item.image.length ?? 0,
          },
        }
      : {}),
  };
}

/**
 * A title is plain text, and one such as `Why <script> blocks` must not put the bytes `<script`
 * into the feed, where a careless reader could take them for markup. feed sets an item's
 * extensions after its own elements, so this one replaces the CDATA title, in its place.
 */
function textTitle(title: string): { name: string; objects: Record<string, unknown> } {
  return { name: 'title', objects: { _text: text(title) } };
}

/** Media RSS: the lead image with its type, caption (or alt text) and credit. */
function mediaContent(image: NonNullable<ItemView['image']>) {
  const description = image.caption ?? image.alt;
  return {
    name: 'media:content',
    objects: {
      _attributes: {
        url: rawAttr(image.url),
        medium: leadKind(image),
        ...(image.type ? { type: rawAttr(image.type) } : {}),
        ...(image.length !== undefined ? { fileSize: String(image.length) } : {}),
      },
      ...(description ? { 'media:description': { _text: text(description) } } : {}),
      ...(image.credit ? { 'media:credit': { _text: text(image.credit) } } : {}),
    },
  };
}

// xml-js writes an array value as repeated elements: one dc:creator per author.
function creators(item: ItemView): { name: string; objects: Record<string, unknown> } {
  const objects = item.authors.map((a) => ({ _text: text(a.name) }));
  return { name: 'dc:creator', objects: objects as unknown as Record<string, unknown> };
}
