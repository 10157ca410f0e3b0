import type { FeedView } from './feed-view.ts';
import { type ItemView, leadKind, type PersonView } from './item-view.ts';
import type { DocumentPiece, RenderedItems } from './rendered-items.ts';

/**
 * JSON.stringify's text, with the `<` of `<script` and `</script` written `\u003c` (the same
 * string to any JSON parser): a plain-text field (a title, a name) may say `<script>`, and the
 * bytes still hold no script tag, so the document is as safe to embed in a page, or to sniff
 * as HTML, as it is to parse. Sanitized HTML has none, so its bytes are JSON.stringify's.
 */
function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/<(\/?script)/gi, '\\u003c$1');
}

/** Where the items go in the document written without them: its last key. */
const NO_ITEMS = '\n  "items": []\n}';

/**
 * JSON Feed 1.1, written by hand: `feed`'s json1() writes 1.0 (single `author`,
 * no `language`) and drops ids. Keys are in a fixed order, so bytes are stable. Given
 * `written`, the document is put together from its items, each written alone (or taken from
 * there, if an earlier render wrote it), as the same bytes jsonText writes at once.
 */
export const jsonFeed = {
  key: 'json',
  render(view: FeedView, written?: RenderedItems): DocumentPiece[] {
    const head = {
      version: 'https://jsonfeed.org/version/1.1',
      title: view.title,
      home_page_url: view.homeUrl,
      // The feed's identity, on its archive pages too; next_url leads to the older entries.
      feed_url: view.archive.current?.json ?? view.selfUrl.json,
      ...(view.archive.older ? { next_url: view.archive.older.json } : {}),
      ...(view.hubs.length > 0 ? { hubs: view.hubs.map((url) => ({ type: 'WebSub', url })) } : {}),
      description: view.description,
      ...(view.language ? { language: view.language } : {}),
      ...(view.icon ? { icon: view.icon, favicon: view.icon } : {}),
      authors: [jsonAuthor(view.publisher)],
    };
    if (!written || view.items.length === 0)
      return [`${jsonText({ ...head, items: view.items.map(jsonItem) })}\n`];
    const shell = jsonText({ ...head, items: [] });
    if (!shell.endsWith(NO_ITEMS)) throw new Error('JSON Feed: items are not the last key');
    const items = view.items.flatMap((item, index) => [
      index === 0 ? '' : ',\n',
      written.item('json', '', item, () => itemText(item)),
    ]);
    return [`${shell.slice(0, -NO_ITEMS.length)}\n  "items": [\n`, ...items, '\n  ]\n}\n'];
  },
} as const;

/** One item as jsonText(document) writes it in the document's items. */
function itemText(item: ItemView): string {
  // Its line breaks are all JSON's own (a string's are escaped; U+2028 is not, so no regex ^).
  return `    ${jsonText(jsonItem(item)).replaceAll('\n', '\n    ')}`;
}

function jsonItem(item: ItemView) {
  return {
    id: item.id,
    url: item.link,
    title: item.title,
    content_html: item.contentHtml,
    ...(item.summary ? { summary: item.summary } : {}),
    ...(item.image && leadKind(item.image) === 'image' ? { image: item.image.url } : {}),
    ...(item.image?.type ? { attachments: [attachment(item.image)] } : {}),
    date_published: item.published.toISOString(),
    date_modified: item.updated.toISOString(),
    ...(item.authors.length > 0 ? { authors: item.authors.map(jsonAuthor) } : {}),
    ...(item.tags.length > 0 ? { tags: item.tags.map((tag) => tag.name) } : {}),
    ...(item.language ? { language: item.language } : {}),
  };
}

/** The lead image as an attachment: JSON Feed 1.1 requires its `mime_type`; size when known. */
function attachment(image: NonNullable<ItemView['image']>) {
  return {
    url: image.url,
    mime_type: image.type,
    ...(image.length !== undefined ? { size_in_bytes: image.length } : {}),
  };
}

/** JSON Feed authors have no email: it becomes a mailto: url when there is no site. */
function jsonAuthor(p: PersonView) {
  const url = p.url ?? (p.email ? `mailto:${p.email}` : undefined);
  return { name: p.name, ...(url ? { url } : {}) };
}
