import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SiteConfig } from '../shared/config/site.ts';
import { type EmbeddedAws, startEmbeddedAws } from '../shared/local/embedded-aws.ts';
import { streamBatchBench } from './batch-bench.ts';
import { buildBench } from './build-bench.ts';
import { bulkBench, folderBulkBench } from './bulk-bench.ts';
import { bundleBench } from './bundle-bench.ts';
import { naiveBench } from './naive-bench.ts';
import { parseBench } from './parse-bench.ts';
import { renderBench } from './render-bench.ts';
import { machine, Results } from './results.ts';
import { scalingBench } from './scaling-bench.ts';
import { round, since } from './stats.ts';
import { warmUp } from './warm-up.ts';

/**
 * `npm run bench`: what users pay for, on the embedded emulators, side by side with the naive
 * design. Each design gets emulators of its own (DynamoDB Local slows down as stream records
 * pile up, so the second one would pay for the first). Smaller sizes for a quick try:
 * BENCH_ARTICLES, BENCH_ARCHIVE; figures are only comparable at the defaults.
 */

const SITE: SiteConfig = {
  url: 'https://news.example.com/',
  title: 'Bench News',
  description: 'feedpub benchmark site',
  language: 'en',
  itemLimit: 50,
};
const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 1000);
const ARCHIVE = Number(process.env.BENCH_ARCHIVE ?? 20_000);
const BULK = { count: ARTICLES, seed: 1, concurrency: 16 };

/**
 * BENCH_PHASES=scaling,render runs only those phases (render, parse, bundles, build, bulk,
 * scaling) and merges their figures into bench/results.json; the default runs every phase and
 * writes the file afresh.
 */
const ONLY = process.env.BENCH_PHASES?.split(',').map((p) => p.trim()) ?? undefined;
const runs = (key: string) => ONLY === undefined || ONLY.includes(key);

const started = performance.now();
async function phase<T>(name: string, run: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  console.error(`# ${name}...`);
  const value = await run();
  console.error(`# ${name}: ${round(since(start) / 1000, 1)} s`);
  return value;
}

let current: EmbeddedAws | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(
    signal,
    () => void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130)),
  );

/** Fresh emulators for one phase, always stopped. */
async function withEmulators<T>(run: (aws: EmbeddedAws) => Promise<T>): Promise<T> {
  current = await startEmbeddedAws({ handleSignals: false });
  try {
    return await run(current);
  } finally {
    await current.stop();
    current = undefined;
  }
}

const results = new Results();
console.error(`# machine ${JSON.stringify(machine())}`);
if (runs('render')) await phase('render', () => renderBench(results, SITE, 200));
if (runs('parse'))
  await phase('parse: pathological uploads', () =>
    parseBench(results, process.env.BENCH_PARSE_ONLY ? { only: process.env.BENCH_PARSE_ONLY } : {}),
  );
if (runs('bundles')) await phase('bundles', () => bundleBench(results));
if (runs('build'))
  await phase('build: an archive, against hugo', () =>
    buildBench(results, SITE, { count: ARTICLES, seed: 19, runs: 3 }),
  );
if (runs('bulk')) {
  const ours = await phase('ours: bulk + freshness', () =>
    withEmulators(async (aws) => {
      await warmUp(aws, SITE);
      return bulkBench(aws, results, SITE, BULK);
    }),
  );
  await phase('ours: the same, dropped into the inbox folder', () =>
    withEmulators(async (aws) => {
      await warmUp(aws, SITE);
      await folderBulkBench(aws, results, SITE, BULK);
    }),
  );
  await phase('naive: bulk', () =>
    withEmulators(async (aws) => {
      await warmUp(aws, SITE);
      await naiveBench(aws, results, SITE, ours, { ...BULK, budgetMs: ours.wallMs });
    }),
  );
}
const sizes = [...new Set([100, Math.min(5000, ARCHIVE), ARCHIVE])];
if (runs('scaling'))
  await phase('publish scaling, then stream batches at their largest', () =>
    withEmulators(async (aws) => {
      const sites = await scalingBench(aws, results, SITE, { sizes, runs: 15, warmUp: 3 });
      const largest = Math.max(...sizes);
      const site = sites.find((each) => each.size === largest);
      // Ids after the scaling runs' new articles (a few dozen from `largest` on).
      if (site) await streamBatchBench(site, results, SITE, { first: 2 * largest + 1000 });
    }),
  );

// The whole run's time; a run of some phases (merged into the file) leaves the figure as it was.
if (ONLY === undefined)
  results.add('bench_wall_s', { value: round(since(started) / 1000, 1), unit: 's' });
const path = results.write(dirname(fileURLToPath(import.meta.url)), {
  merge: ONLY !== undefined,
});
console.log(`\n${results.table()}\n`);
const missed = results.missed();
console.log(missed.length === 0 ? 'Every goal met.' : `GOALS MISSED:\n  ${missed.join('\n  ')}`);
console.log(`\nwrote ${path}`);
