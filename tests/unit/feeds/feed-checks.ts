import { xpathCount, xpathString } from './xml-tools.ts';

/** Structural contracts of the three formats, as lists of problems (empty = fine). */

const ATOM_NS = 'http://www.w3.org/2005/Atom';

export function rssProblems(xml: string, selfUrl: string): string[] {
  const problems: string[] = [];
  for (const name of ['title', 'link', 'description', 'lastBuildDate', 'generator']) {
    if (xpathCount(xml, `/rss/channel/${name}`) !== 1) problems.push(`channel needs one <${name}>`);
  }
  if (xpathString(xml, '/rss/@version') !== '2.0') problems.push('rss version is not 2.0');
  const self = `/rss/channel/*[local-name()='link' and namespace-uri()='${ATOM_NS}' and @rel='self']`;
  if (xpathString(xml, `${self}/@href`) !== selfUrl)
    problems.push(`atom:link self is not ${selfUrl}`);
  if (xpathCount(xml, '/rss/channel/item[not(title) and not(description)]') > 0) {
    problems.push('an item has neither title nor description');
  }
  if (xpathCount(xml, "/rss/channel/item[not(guid[@isPermaLink='false'])]") > 0) {
    problems.push('an item lacks a guid isPermaLink="false"');
  }
  return problems;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isHttpUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/\S+$/.test(v);
const isText = (v: unknown) => typeof v === 'string' && v.trim() !== '';

type Json = Record<string, unknown>;

/** A JSON Feed's canonical bytes: JSON.stringify's (indent 2), a `<script`'s `<` as `\u003c`. */
export function canonicalJson(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2).replace(/<(\/?script)/gi, '\\u003c$1')}\n`;
}

export function jsonFeedProblems(text: string, selfUrl: string): string[] {
  const doc = JSON.parse(text) as Json;
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  need(canonicalJson(doc) === text, 'does not round-trip');
  need(!/<\/?script/i.test(text), 'a <script in the bytes');
  need(doc.version === 'https://jsonfeed.org/version/1.1', 'version is not 1.1');
  need(isText(doc.title), 'title');
  need(isHttpUrl(doc.home_page_url), 'home_page_url');
  need(doc.feed_url === selfUrl, `feed_url is not ${selfUrl}`);
  need(!('author' in doc), "deprecated 'author'");
  need(authorsOk(doc.authors), 'authors');
  need(Array.isArray(doc.items), 'items');
  const ids = new Set<unknown>();
  for (const [i, item] of ((doc.items ?? []) as Json[]).entries()) {
    need(isText(item.id) && !ids.has(item.id), `items[${i}].id`);
    ids.add(item.id);
    need(
      typeof item.content_html === 'string' || typeof item.content_text === 'string',
      `items[${i}] content`,
    );
    need(isHttpUrl(item.url), `items[${i}].url`);
    need(
      typeof item.date_published === 'string' && RFC3339.test(item.date_published),
      `items[${i}].date_published`,
    );
    need(
      typeof item.date_modified === 'string' && RFC3339.test(item.date_modified),
      `items[${i}].date_modified`,
    );
    need(
      !('author' in item) && (item.authors === undefined || authorsOk(item.authors)),
      `items[${i}].authors`,
    );
    need(
      item.tags === undefined || (Array.isArray(item.tags) && item.tags.every(isText)),
      `items[${i}].tags`,
    );
  }
  return problems;
}

function authorsOk(authors: unknown): boolean {
  return (
    Array.isArray(authors) &&
    authors.length > 0 &&
    authors.every(
      (a: Json) =>
        isText(a.name) && (a.url === undefined || /^(https?|mailto):\S+$/.test(String(a.url))),
    )
  );
}
