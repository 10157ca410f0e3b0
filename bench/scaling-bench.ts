import type { Article } from '../shared/articles/article.ts';
import { planArticleWrite } from '../shared/articles/stored.ts';
import type { SiteConfig } from '../shared/config/site.ts';
import { localDynamoClients } from '../shared/local/clients.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { createBucket } from '../shared/local/resources.ts';
import { ArticleCache } from '../shared/publish/article-cache.ts';
import { publishChanges } from '../shared/publish/publish-changes.ts';
import { keepingRenderer, type Renderer } from '../shared/publish/renderer.ts';
import { DynamoArticleTable } from '../shared/stores/article-table.ts';
import { DynamoRenderLedger } from '../shared/stores/render-ledger.ts';
import { S3SiteBucket } from '../shared/stores/site-bucket.ts';
import { generateCorpus } from './corpus.ts';
import { atMost, type Results } from './results.ts';
import { countPuts, meterReadCapacity } from './sdk-meters.ts';
import { createArchiveTable, seedTable } from './seed-table.ts';
import { median, round, since } from './stats.ts';
import { storedArticle } from './stored-articles.ts';

const BASE = Date.parse('2025-01-01T00:00:00Z');
export const minuteIso = (index: number) => new Date(BASE + index * 60_000).toISOString();

/**
 * The newest `count` articles of one corpus of `of`, as stored; undated ones get their index's
 * minute. Every size's site has the same newest stories, so the same new story lands on the
 * same feeds' tops in each: only the archive below differs.
 */
function archive(count: number, of: number): Article[] {
  return generateCorpus({ seed: 5, count: of, folder: 'archive' })
    .slice(of - count)
    .map((spec) => storedArticle(spec, minuteIso(spec.index)));
}

export interface Site {
  size: number;
  table: DynamoArticleTable;
  ledger: DynamoRenderLedger;
  meter: ReturnType<typeof meterReadCapacity>;
  bucket: S3SiteBucket;
  puts: ReturnType<typeof countPuts>;
  /** The publish container's article cache: warm after the warm-up runs, as in service. */
  articles: ArticleCache;
  /** Its renderer, which keeps the feed items it wrote, as the container's does. */
  renderer: Renderer;
  /** What that renderer was given to render since the last reset (countingRenderer). */
  rendered: RenderCount;
  /** A new publish container's own state (cold start): nothing read or written yet. */
  coldContainer(): Pick<Site, 'articles' | 'renderer' | 'bucket'>;
}

interface RenderCount {
  /** Stories placed in feed documents (each document of the three counts once). */
  items: number;
  /** Bytes of the feed documents (three formats). */
  bytes: number;
  reset(): void;
}

/**
 * The renderer, counting the feed documents it renders: a publish's work grows with the
 * stories its feeds show (a full feed's 50, an archive page's), whatever the table's size.
 */
function countingRenderer(inner: Renderer): { renderer: Renderer; count: RenderCount } {
  const count: RenderCount = {
    items: 0,
    bytes: 0,
    reset() {
      count.items = 0;
      count.bytes = 0;
    },
  };
  return {
    count,
    renderer: {
      page: inner.page,
      feed: async (input) => {
        const docs = await inner.feed(input);
        count.items += input.articles.length;
        for (const doc of Object.values(docs)) count.bytes += doc.byteLength;
        return docs;
      },
    },
  };
}

async function seededSite(
  aws: EmbeddedAws,
  size: number,
  itemLimit: number,
  largest: number,
): Promise<Site & { seedMs: number }> {
  const tableName = `scale-${size}-table`;
  const siteBucket = `scale-${size}-site`;
  await createArchiveTable(aws.dynamo, tableName);
  await createBucket(aws.s3, siteBucket);
  const start = performance.now();
  // A site in service: its archive pages were written before (the records say so).
  await seedTable(aws.dynamo, tableName, archive(size, largest), { archiveLimit: itemLimit });
  const seedMs = since(start);
  // Publish reads through a client of its own, so the capacity meter sees only publish (its
  // ledger's reads included, as in the function).
  const { dynamo } = localDynamoClients(aws.endpoints.dynamodb);
  const meter = meterReadCapacity(dynamo);
  const table = new DynamoArticleTable({ client: dynamo, tableName });
  const ledger = new DynamoRenderLedger({ client: dynamo, tableName });
  const bucket = new S3SiteBucket({ client: aws.s3, bucket: siteBucket });
  const puts = countPuts(aws.s3, siteBucket);
  const { renderer, count: rendered } = countingRenderer(keepingRenderer());
  return {
    size,
    table,
    ledger,
    meter,
    bucket,
    puts,
    articles: new ArticleCache(),
    renderer,
    rendered,
    coldContainer: () => ({
      articles: new ArticleCache(),
      renderer: keepingRenderer(),
      bucket: new S3SiteBucket({ client: aws.s3, bucket: siteBucket }),
    }),
    seedMs,
  };
}

/** Ingest's write for one new article, then the publish its stream record would cause. */
async function publishOne(site: Site, article: Article, config: SiteConfig) {
  await site.table.commit({ articles: [planArticleWrite(undefined, article)] });
  site.meter.reset();
  site.puts.reset();
  site.rendered.reset();
  const start = performance.now();
  const result = await publishChanges([{ recordId: `new-${article.id}`, after: article }], {
    feeds: site.table,
    ledger: site.ledger,
    bucket: site.bucket,
    config,
    articles: site.articles,
    renderer: site.renderer,
  });
  const ms = since(start);
  if (result.failures.length > 0) throw new Error(`publish failed: ${result.failures[0]?.unit}`);
  return {
    ms,
    units: site.meter.total.units,
    reads: site.meter.total.reads,
    puts: site.puts.keys.length,
    items: site.rendered.items,
    bytes: site.rendered.bytes,
  };
}

/**
 * What the time ratio is made of: the stories a new article puts into feed documents at each
 * size (with 100 articles over 50 tags a tag feed holds ~6 and has no archive; from a few
 * thousand on every feed is full), and the time per story so placed.
 */
function workNote(
  big: { ms: number[]; items: number[] },
  small: { ms: number[]; items: number[] },
  largest: number,
  smallest: number,
): string {
  const [b, s] = [median(big.items), median(small.items)];
  if (b === 0 || s === 0) return '';
  const perItem = (x: { ms: number[] }, items: number) => round((median(x.ms) * 1000) / items, 0);
  return `; the work grew with the feeds, not the table: ${b} stories put into feed documents at ${largest} against ${s} at ${smallest} (${round(b / s)}x), ${perItem(big, b)} against ${perItem(small, s)} µs a story`;
}

/**
 * Time and read capacity to publish one new article into a table of 100 articles versus one of
 * 20,000 (and 5,000, where every tag and author feed is full and reaches past its archive's frontier). The same new articles go
 * to every table, interleaved, so each run does the same work but for the archive around it.
 */
export async function scalingBench(
  base: EmbeddedAws,
  results: Results,
  config: SiteConfig,
  { sizes, runs, warmUp }: { sizes: number[]; runs: number; warmUp: number },
): Promise<Site[]> {
  const largest = Math.max(...sizes);
  const sites: Site[] = [];
  for (const size of sizes) {
    const site = await seededSite(base, size, config.itemLimit, largest);
    results.add(`seed_s_${size}`, { value: round(site.seedMs / 1000), unit: 's' });
    sites.push(site);
  }
  const fresh = generateCorpus({ seed: 7, count: warmUp + runs, folder: 'new', first: largest });
  const samples = new Map<
    number,
    {
      ms: number[];
      units: number[];
      reads: number[];
      puts: number[];
      items: number[];
      bytes: number[];
    }
  >();
  for (const [i, spec] of fresh.entries()) {
    const article = storedArticle(spec, minuteIso(spec.index));
    for (const site of i % 2 === 0 ? sites : [...sites].reverse()) {
      const run = await publishOne(site, article, config);
      if (i < warmUp) continue;
      const s = samples.get(site.size) ?? {
        ms: [],
        units: [],
        reads: [],
        puts: [],
        items: [],
        bytes: [],
      };
      s.ms.push(run.ms);
      s.items.push(run.items);
      s.bytes.push(run.bytes);
      s.puts.push(run.puts);
      s.units.push(run.units);
      s.reads.push(run.reads);
      samples.set(site.size, s);
    }
  }
  const smallest = Math.min(...sizes);
  const small = samples.get(smallest);
  for (const [size, s] of samples) {
    results.add(`publish_ms_${size}`, {
      value: round(median(s.ms), 1),
      unit: 'ms',
      note: `median of ${runs} (${s.ms.map((t) => Math.round(t)).join('/')}); ${median(s.reads)} reads`,
    });
    results.add(`publish_rcu_${size}`, { value: round(median(s.units), 1), unit: 'RCU' });
    results.add(`feed_items_per_article_${size}`, {
      value: median(s.items),
      unit: 'items',
      note: `stories placed in feed documents for one new article (each document of three counts once; ${round(median(s.bytes) / 2 ** 20, 2)} MB of documents): its feeds' newest, the archive pages it wrote`,
    });
    results.add(`puts_per_article_${size}`, {
      value: median(s.puts),
      unit: 'PUTs',
      note: `site PUTs for one new article (${s.puts.join('/')}): its page, its feeds, the archive pages it archived or linked, listings`,
    });
  }
  const big = samples.get(largest);
  if (!small || !big) return sites;
  results.add('publish_scaling', {
    value: round(median(big.ms) / median(small.ms)),
    unit: 'x',
    goal: atMost(1.3),
    note: `time(${largest}) / time(${smallest}), one new article${workNote(big, small, largest, smallest)}`,
  });
  results.add('publish_capacity_scaling', {
    value: round(median(big.units) / median(small.units)),
    unit: 'x',
    note: `read capacity(${largest}) / (${smallest})`,
  });
  // The archive's size must not show in what a new article writes (RFC 5005 pages: none
  // changes but the one a story archives), compared from the size where every feed has an
  // archive already.
  const fullFeeds = samples.get(sizes.find((size) => size !== smallest && size !== largest) ?? 0);
  if (fullFeeds)
    results.add('archive_puts_scaling', {
      value: round(median(big.puts) / median(fullFeeds.puts)),
      unit: 'x',
      goal: atMost(1),
      note: `PUTs per new article, ${largest} / ${sizes.find((size) => samples.get(size) === fullFeeds)} articles archived`,
    });
  // With 100 articles over 50 tags a tag feed holds ~6 items; from a few thousand on, every
  // feed is full (item limit), so this ratio isolates the size of the archive.
  for (const [size, s] of samples) {
    if (size === smallest || size === largest) continue;
    results.add(`publish_scaling_from_${size}`, {
      value: round(median(big.ms) / median(s.ms)),
      unit: 'x',
      note: `time(${largest}) / time(${size}); capacity ${round(median(big.units) / median(s.units))}x`,
    });
  }
  return sites;
}
