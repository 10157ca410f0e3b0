import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Article } from '../../shared/articles/article.ts';
import { EDGE_LOCATION_METADATA, EDGE_STATUS_METADATA } from '../../shared/contract/edge.ts';
import { SITEMAP_INDEX_PATH } from '../../shared/contract/site-layout.ts';
import { ARTICLE_PK_PREFIX, keys, WRITE_SHARDS } from '../../shared/contract/table.ts';
import type { EmbeddedAws } from '../../shared/local/embedded-aws.ts';
import type { SourceRecord } from '../../shared/ports/article-store.ts';
import { followRedirects } from './redirect-chains.ts';
import { bucketHelpers } from './site.ts';

/**
 * The whole state of one pipeline, read back for comparison: every table item (a Scan,
 * which only tests do) and every object of a bucket with its body.
 */

export interface EntryItem {
  id: string;
  /** The article revision it names. */
  rev: number;
  /** The partition it sits in. */
  shard: number;
}

export interface SitemapDayItem {
  count: number;
  lastmod: string;
  ticket?: number;
}

export interface TableState {
  /** Article items by id, with their revision; tombstones (status `deleted`, `moved`) included. */
  articles: Map<string, Article & { rev: number }>;
  /**
   * Live feed entries, their write shards merged: `<feed>` → (`<sort key>` → entry).
   */
  entries: Map<string, Map<string, EntryItem>>;
  /**
   * The feeds' `gone` lists (withdrawn public stories, `FEED#gone:<feed>#0`): `<feed>` (without
   * the `gone:`) → (`<withdrawn at>#<id>` → entry).
   */
  gone: Map<string, Map<string, EntryItem>>;
  /** The site's `moved` list (public stories moved away, `FEED#moved:all#0`): sort key → entry. */
  moved: Map<string, EntryItem>;
  /**
   * Tag and author feed metas (the site feed has none), with the ticket of the render that wrote
   * them; `announcing`: a feed with no story left, kept (unlisted, count 0) while it announces
   * withdrawals.
   */
  metas: Map<
    string,
    { kind: string; name?: string; count: number; announcing?: true; ticket?: number }
  >;
  sources: Map<string, SourceRecord>;
  /** Schedule items, their shards merged: `<sort key>` → id and shard. */
  schedule: Map<string, { id: string; shard: number }>;
  /** Publish's bookkeeping (RENDER#<unit>): claims, rendered, lease. */
  renders: Map<string, Record<string, unknown>>;
  /** The bytes-to-article index (BODY#<sha256>): upload hash → the id it last made. */
  bodies: Map<string, string>;
  /**
   * The sitemap index's items (`SITEMAP` | `<YYYY-MM-DD>`), publish's one per day that has live
   * stories: their count, newest `updated`, and the ticket of the render that wrote them.
   */
  sitemapDays: Map<string, SitemapDayItem>;
  /** ARCHIVE | <feed>: RenderLedger.saveArchiveLink. */
  archiveLinks: Map<string, string>;
  /** MEDIA#<key> | M: an uploaded media file's record, by inbox key (its published path). */
  media: Map<string, { published?: string }>;
  /** Entries or schedule items found in two shards under one sort key: `pk|sk` of the second. */
  duplicates: string[];
  other: string[];
}

export async function readTable(dynamo: DynamoDBClient, table: string): Promise<TableState> {
  const state: TableState = {
    articles: new Map(),
    entries: new Map(),
    gone: new Map(),
    moved: new Map(),
    metas: new Map(),
    sources: new Map(),
    schedule: new Map(),
    renders: new Map(),
    bodies: new Map(),
    sitemapDays: new Map(),
    archiveLinks: new Map(),
    media: new Map(),
    duplicates: [],
    other: [],
  };
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const raw of page.Items ?? []) addItem(state, unmarshall(raw));
    start = page.LastEvaluatedKey;
  } while (start);
  return state;
}

/**
 * `FEED#<feed>#<shard>`: the shard is the last `#` field. Feed keys hold none (`all`,
 * `tag/<slug>`, `author/<slug>`; slugs are letters, numbers and `-`), but the match takes the
 * last one anyway. A key without a valid shard (the old unsharded `FEED#<feed>`) is unknown.
 */
const FEED_PK = /^FEED#(.+)#(\d+)$/;
const SCHED_PK = /^SCHED#(\d+)$/;
const RENDER_PREFIX = 'RENDER#';
const BODY_PREFIX = 'BODY#';
const SITEMAP_PK = keys.sitemapDay('').pk;
const ARCHIVE_PK = keys.archiveLink('').pk;
const MEDIA_PREFIX = keys.media('').pk;
/** The table's name of a feed's `gone` list (shared/articles/stored.ts `entryListKey`). */
const GONE_PREFIX = 'gone:';
/** The site's `moved` list (shared/articles/stored.ts `entryListKey`). */
const MOVED_LIST = 'moved:all';

/** The shard a key names, as `keys` writes it (`0` … `WRITE_SHARDS - 1`, no leading zero). */
function shardOf(text: string | undefined): number | undefined {
  const shard = Number(text);
  return String(shard) === text && shard < WRITE_SHARDS ? shard : undefined;
}

function addItem(state: TableState, item: Record<string, unknown>): void {
  const pk = String(item.pk);
  const sk = String(item.sk);
  const { pk: _pk, sk: _sk, ...rest } = item;
  const feedPk = FEED_PK.exec(pk);
  const feedShard = shardOf(feedPk?.[2]);
  const scheduleShard = shardOf(SCHED_PK.exec(pk)?.[1]);
  if (pk.startsWith(ARTICLE_PK_PREFIX) && sk === 'A') {
    state.articles.set(
      pk.slice(ARTICLE_PK_PREFIX.length),
      rest as unknown as Article & { rev: number },
    );
  } else if (feedPk?.[1] === MOVED_LIST && feedShard !== undefined) {
    if (state.moved.has(sk)) state.duplicates.push(`${pk}|${sk}`);
    else state.moved.set(sk, { id: String(item.id), rev: Number(item.rev ?? 0), shard: feedShard });
  } else if (feedPk?.[1] && feedShard !== undefined) {
    const gone = feedPk[1].startsWith(GONE_PREFIX);
    const feed = gone ? feedPk[1].slice(GONE_PREFIX.length) : feedPk[1];
    const lists = gone ? state.gone : state.entries;
    const entries = lists.get(feed) ?? new Map();
    if (entries.has(sk)) state.duplicates.push(`${pk}|${sk}`);
    else entries.set(sk, { id: String(item.id), rev: Number(item.rev ?? 0), shard: feedShard });
    lists.set(feed, entries);
  } else if (pk === 'FEEDMETA') {
    state.metas.set(sk, {
      kind: String(item.kind),
      ...(item.name === undefined ? {} : { name: String(item.name) }),
      count: Number(item.count ?? 0),
      ...(item.announcing ? { announcing: true as const } : {}),
      ...(item.ticket === undefined ? {} : { ticket: Number(item.ticket) }),
    });
  } else if (pk.startsWith('SRC#') && sk === 'S') {
    state.sources.set(pk.slice(4), rest as unknown as SourceRecord);
  } else if (scheduleShard !== undefined) {
    if (state.schedule.has(sk)) state.duplicates.push(`${pk}|${sk}`);
    else state.schedule.set(sk, { id: String(item.id), shard: scheduleShard });
  } else if (pk.startsWith(RENDER_PREFIX) && sk === 'R') {
    state.renders.set(pk.slice(RENDER_PREFIX.length), rest);
  } else if (pk.startsWith(BODY_PREFIX) && sk === 'B') {
    state.bodies.set(pk.slice(BODY_PREFIX.length), String(item.id));
  } else if (pk.startsWith(MEDIA_PREFIX) && sk === 'M') {
    const published = (item.published as { path?: string } | undefined)?.path;
    state.media.set(pk.slice(MEDIA_PREFIX.length), published ? { published } : {});
  } else if (pk === ARCHIVE_PK) {
    // Publish's record of which archive page its older neighbour links to: bookkeeping, like
    // RENDER items (it depends on how publish got there).
    state.archiveLinks.set(sk, String(item.linked ?? ''));
  } else if (pk === SITEMAP_PK) {
    state.sitemapDays.set(sk, {
      count: Number(item.count ?? 0),
      lastmod: String(item.lastmod ?? ''),
      ...(item.ticket === undefined ? {} : { ticket: Number(item.ticket) }),
    });
  } else {
    state.other.push(`${pk}|${sk}`);
  }
}

const sortedObject = <V>(entries: Iterable<[string, V]>) =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * What the table means, without bookkeeping that legitimately depends on how many writes
 * happened (revisions), on delivery history (reports, first-seen times, tombstones) or on how
 * publish got there (RENDER items, meta tickets).
 *
 * Tombstones (`deleted` and `moved`) are left out whole, not only their revisions: an id with a
 * tombstone and an id with no item mean the same (`isGone`), and whether a removed article left
 * one, and which version it was cut from, depends on the order the events arrived in (a delete
 * that arrives before its file's first version removes nothing).
 *
 * For the same reason, so is everything that says a story was withdrawn after readers saw it:
 * the `gone` entry lists, and an article's `withdrawn` (its withdrawal record: whether a
 * `status: withdrawn` file was live first, and since when, depends on which of its versions
 * were applied). A delete applied before its file's create leaves no trace; applied after it,
 * a withdrawal the feeds announce. tableProblems checks both against the article items.
 *
 * BODY# items are left out too: one is written by every applied version and never removed, so
 * which versions left one depends on which were applied (a version overtaken by a newer one
 * before it arrived is stale and writes nothing). tableProblems checks that each names an
 * article.
 *
 * The sitemap day items (`SITEMAP` | `<day>`) are compared, all but their `ticket` (which
 * render wrote them, like a meta's): a day's count and newest `updated` follow from its live
 * stories alone, so they must not depend on the order anything arrived in. tableProblems checks
 * them against the live articles.
 */
export function tableMeaning(state: TableState) {
  return {
    articles: sortedObject(
      [...state.articles]
        .filter(([, article]) => article.status !== 'deleted' && article.status !== 'moved')
        .map(([id, { rev: _rev, withdrawn: _withdrawn, ...article }]) => [id, article]),
    ),
    entries: sortedObject(
      [...state.entries].map(([feed, entries]) => [
        feed,
        sortedObject([...entries].map(([sk, entry]) => [sk, entry.id])),
      ]),
    ),
    // A meta at count 0 is a defect (publish removes it with the feed's last entry), unless it
    // is `announcing`: kept, so a run that leaves one differs. An announcing meta is left out
    // with the gone lists it stands for (whether a feed's last story was withdrawn after
    // readers saw it depends on the order its events were applied). The ticket is which render
    // wrote it.
    metas: sortedObject(
      [...state.metas]
        .filter(([, meta]) => !meta.announcing)
        .map(([feed, { ticket: _ticket, ...meta }]) => [feed, meta]),
    ),
    sources: sortedObject(
      [...state.sources].map(([key, s]) => [
        key,
        { sequencer: s.sequencer, deleted: s.deleted, ...(s.deleted ? {} : { id: s.id }) },
      ]),
    ),
    schedule: sortedObject([...state.schedule].map(([sk, { id }]) => [sk, id])),
    // A day's count; its lastmod is history (the newest `updated` the day has had: whether a
    // story that later left was ever rendered in it depends on the order of events): left out,
    // as the ticket is. consistencyProblems checks it against the table's stories.
    sitemapDays: sortedObject([...state.sitemapDays].map(([day, { count }]) => [day, { count }])),
    // Media files: where each is published (which articles use one is history: left out).
    media: sortedObject([...state.media]),
    duplicates: [...state.duplicates].sort(),
    other: [...state.other].sort(),
  };
}

/** How the edge answers a file whose object metadata says so (shared/contract/edge.ts). */
export interface EdgeAnswer {
  /** EDGE_STATUS_METADATA: `410` (a withdrawal notice), `301` (a moved story's old page). */
  status: string;
  /** EDGE_LOCATION_METADATA, with a 301. */
  location?: string;
}

/**
 * The objects of a bucket, key → body as text, in key order; `edge` holds the answer of each
 * object whose metadata gives it another status than 200.
 */
export class BucketFiles extends Map<string, string> {
  readonly edge = new Map<string, EdgeAnswer>();
}

/** Every object in a bucket (optionally below a prefix) with its body as text. */
export async function readBucket(s3: S3Client, bucket: string, prefix = ''): Promise<BucketFiles> {
  const keys = await bucketHelpers(s3, bucket).keys(prefix);
  const files = new Map<string, string>();
  const edge = new Map<string, EdgeAnswer>();
  for (let i = 0; i < keys.length; i += 20) {
    await Promise.all(
      keys.slice(i, i + 20).map(async (key) => {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        files.set(key, (await out.Body?.transformToString()) ?? '');
        const status = out.Metadata?.[EDGE_STATUS_METADATA];
        const location = out.Metadata?.[EDGE_LOCATION_METADATA];
        if (status) edge.set(key, { status, ...(location ? { location } : {}) });
      }),
    );
  }
  const sorted = new BucketFiles([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  for (const [key, answer] of edge) sorted.edge.set(key, answer);
  return sorted;
}

/** RFC 6721 deleted entries in an Atom document, and the namespace declared for them. */
const DELETED_ENTRY = /[ \t]*<at:deleted-entry\b[^>]*>[\s\S]*?<\/at:deleted-entry>\n?/g;
const TOMBSTONES_XMLNS = ' xmlns:at="http://purl.org/atompub/tombstones/1.0"';
const LABEL_FEED = /^(?:tags|authors)\/[^/]+\/(?:rss\.xml|atom\.xml|feed\.json)$/;

/** Whether a feed file lists no item (RSS `<item>`, Atom `<entry>`, JSON Feed `items`). */
function listsNoItems(path: string, body: string): boolean {
  if (path.endsWith('rss.xml')) return !/<item>/.test(body);
  if (path.endsWith('atom.xml')) return !/<entry>/.test(body);
  return (JSON.parse(body) as { items?: unknown[] }).items?.length === 0;
}

const ARCHIVE_PAGE_FILE = /(?:^|\/)archive\/[^/]+\/(?:rss\.xml|atom\.xml|feed\.json|index\.html)$/;

/**
 * Whether `path` is a redirect left where an archive page was (its first story went: publish
 * answers its address 301 to the page that holds its stories now). Which pages once existed
 * depends on the order events were published in, not on the table: two runs of the same events
 * may leave different ones, and no render from the table alone knows them.
 */
export function isPageRedirect(files: BucketFiles, path: string): boolean {
  return ARCHIVE_PAGE_FILE.test(path) && files.edge.get(path)?.status === '301';
}

/**
 * What is wrong with the redirects left where archive pages were: each must lead, through at
 * most a few more, to a file of the site that is there (never to a missing page, never round),
 * unless its feed is gone altogether (its last story went: its old addresses end in a 404).
 */
export function pageRedirectProblems(files: BucketFiles, siteUrl: string): string[] {
  const site = {
    locationOf: (path: string) =>
      files.edge.get(path)?.status === '301' ? (files.edge.get(path)?.location ?? '') : undefined,
    exists: (path: string) => files.has(path),
  };
  return [...files.keys()]
    .filter((path) => isPageRedirect(files, path))
    .filter((path) => files.has(`${path.slice(0, path.indexOf('archive/'))}atom.xml`))
    .flatMap((path) => {
      const followed = followRedirects(path, site, siteUrl);
      return 'problem' in followed ? [followed.problem] : [];
    });
}

/**
 * A site without the files and parts that say a story was withdrawn after readers saw it, for
 * comparing two runs of the same events (see tableMeaning: whether a deleted story was ever
 * live depends on the order its events were applied). Taken out: withdrawal notice pages (the
 * pages the edge answers 410), the `<at:deleted-entry>` blocks of Atom feeds and their
 * namespace declaration, the feed-level date of change (Atom's feed `<updated>`, RSS
 * `<lastBuildDate>`: it moves with the withdrawals a feed announces), and then the tag and
 * author feeds that list no item (the feeds a withdrawal alone keeps, unlisted); and the
 * redirects left where archive pages were (isPageRedirect). siteProblems checks all of these
 * against the table.
 */
export function withoutWithdrawals(files: BucketFiles): Map<string, string> {
  const kept = new Map<string, string>();
  for (const [path, body] of files) {
    if (files.edge.get(path)?.status === '410' || isPageRedirect(files, path)) continue;
    const text = path.endsWith('atom.xml')
      ? body
          .replace(DELETED_ENTRY, '')
          .replace(TOMBSTONES_XMLNS, '')
          // The first <updated> is the feed's own: its metadata comes before its entries.
          .replace(/<updated>[^<]*<\/updated>/, '<updated/>')
      : path.endsWith('rss.xml')
        ? body.replace(/<lastBuildDate>[^<]*<\/lastBuildDate>/, '<lastBuildDate/>')
        : body;
    if (LABEL_FEED.test(path) && listsNoItems(path, text)) continue;
    kept.set(path, text);
  }
  return kept;
}

/** A pipeline's table, site bucket and reports, read back for comparison with another run. */
export async function pipelineState(aws: EmbeddedAws) {
  return {
    state: await readTable(aws.dynamo, aws.names.table),
    site: await readBucket(aws.s3, aws.names.siteBucket),
    reports: await readBucket(aws.s3, aws.names.inboxBucket, 'reports/'),
  };
}

/**
 * Where two states differ, as short lines (`articles/x: ...`): readable when they do, and
 * cheap where a deep-equality diff of thousands of items would take minutes to print.
 */
export function differences(
  expected: Record<string, Record<string, unknown> | unknown[]>,
  actual: Record<string, Record<string, unknown> | unknown[]>,
  limit = 30,
): string[] {
  const found: string[] = [];
  for (const part of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const want = (expected[part] ?? {}) as Record<string, unknown>;
    const got = (actual[part] ?? {}) as Record<string, unknown>;
    for (const key of new Set([...Object.keys(want), ...Object.keys(got)])) {
      const [a, b] = [JSON.stringify(want[key]), JSON.stringify(got[key])];
      if (a !== b) found.push(`${part}/${key}: want ${clip(a)}, got ${clip(b)}`);
    }
  }
  return found.length > limit
    ? [...found.slice(0, limit), `… ${found.length - limit} more`]
    : found;
}

function clip(text: string | undefined): string {
  if (text === undefined) return 'nothing';
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/**
 * A file without what is history rather than state: the sitemap index's date of each day (the
 * newest `updated` the day has had, which depends on the order of events; discoveryProblems and
 * consistencyProblems check the dates against the table).
 */
export function withoutHistory(key: string, body: string | undefined): string | undefined {
  return key === SITEMAP_INDEX_PATH && body !== undefined
    ? body.replace(/<lastmod>[^<]*<\/lastmod>/g, '<lastmod/>')
    : body;
}

/** Two buckets' contents compared key by key; a changed body shows where it changed. */
export function fileDifferences(
  expected: ReadonlyMap<string, string>,
  actual: ReadonlyMap<string, string>,
  limit = 30,
): string[] {
  const found: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const [want, got] = [
      withoutHistory(key, expected.get(key)),
      withoutHistory(key, actual.get(key)),
    ];
    if (want === got) continue;
    if (want === undefined || got === undefined) {
      found.push(`${key}: ${want === undefined ? 'unexpected' : 'missing'}`);
      continue;
    }
    let at = 0;
    while (want[at] === got[at]) at++;
    const around = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 40), at + 80));
    found.push(`${key} differs at ${at}: want ${around(want)}, got ${around(got)}`);
  }
  return found.length > limit
    ? [...found.slice(0, limit), `… ${found.length - limit} more`]
    : found;
}
