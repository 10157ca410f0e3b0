import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SiteConfig } from '../shared/config/site.ts';
import { type EmbeddedAws, startEmbeddedAws } from '../shared/local/embedded-aws.ts';
import { loadFigures } from './load-figures.ts';
import { type LoadOptions, runLoad } from './load-scenario.ts';
import { withOwnResources } from './names.ts';
import { machine, Results } from './results.ts';
import { warmUp } from './warm-up.ts';

/**
 * `npm run load`: 10 uploads/s through the S3 API for 3 minutes, then a burst of 1,000, into
 * the local Lambda-like runtime (bench/README.md "Load"). Writes bench/load-results.json.
 * Smaller runs for a quick try: LOAD_RATE, LOAD_SECONDS, LOAD_BURST (figures are only
 * comparable at the defaults).
 */

const SITE: SiteConfig = {
  url: 'https://news.example.com/',
  title: 'Load News',
  description: 'feedpub load benchmark site',
  language: 'en',
  itemLimit: 50,
};

const OPTIONS: LoadOptions = {
  site: SITE,
  seed: Number(process.env.LOAD_SEED ?? 14),
  rate: Number(process.env.LOAD_RATE ?? 10),
  seconds: Number(process.env.LOAD_SECONDS ?? 180),
  burst: Number(process.env.LOAD_BURST ?? 1000),
  burstInFlight: 32,
  minAgeSeconds: 10,
  drainMs: 30_000,
  convergeMs: 120_000,
  log: (line) => console.error(`# ${line}`),
};

let aws: EmbeddedAws | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(
    signal,
    () => void (aws?.stop() ?? Promise.resolve()).finally(() => process.exit(130)),
  );

console.error(`# machine ${JSON.stringify(machine())}`);
aws = await startEmbeddedAws({ handleSignals: false });
const results = new Results();
try {
  console.error('# warm-up...');
  await warmUp(aws, SITE);
  console.error(
    `# load: ${OPTIONS.rate}/s for ${OPTIONS.seconds} s, then a burst of ${OPTIONS.burst}...`,
  );
  const before = loadavg()[0] ?? 0;
  const run = await runLoad(await withOwnResources(aws, 'load'), OPTIONS);
  const after = loadavg()[0] ?? 0;
  loadFigures(
    results,
    run,
    OPTIONS,
    `1-minute load average ${before.toFixed(1)} at the start, ${after.toFixed(1)} at the end (figures are only comparable on a quiet machine)`,
  );
} finally {
  await aws.stop();
}

const path = join(dirname(fileURLToPath(import.meta.url)), 'load-results.json');
writeFileSync(
  path,
  `${JSON.stringify({ figures: results.figures, machine: machine() }, null, 2)}\n`,
);
console.log(`\n${results.table()}\n`);
const missed = results.missed();
console.log(missed.length === 0 ? 'Every goal met.' : `GOALS MISSED:\n  ${missed.join('\n  ')}`);
console.log(`\nwrote ${path}`);
