import { guidFromId, idFromKey } from '../shared/articles/object-key.ts';
import { localS3Client } from '../shared/local/clients.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import type { Pipeline } from '../shared/local/pipeline.ts';
import { generateCorpus } from './corpus.ts';
import { atMost, type Results } from './results.ts';
import { getSiteFile, SiteReadError } from './site-http.ts';
import { percentile, round, since, sleep } from './stats.ts';
import { uploadArticle } from './upload.ts';

const POLL_MS = 20;
const TIMEOUT_MS = 30_000;

/**
 * Single uploads on an idle pipeline: from the PutObject until the site-wide RSS, fetched over
 * HTTP from s3rver every ~20 ms, lists the article. Undated, so each is the newest item.
 */
export async function freshnessBench(
  aws: EmbeddedAws,
  pipeline: Pipeline,
  results: Results,
  { seed, samples }: { seed: number; samples: number },
): Promise<void> {
  const specs = generateCorpus({ seed, count: samples, folder: 'fresh' }).map((spec) => ({
    ...spec,
    date: undefined,
  }));
  const uploader = localS3Client(aws.endpoints.s3);
  const times: number[] = [];
  let readErrors = 0;
  const readRss = () =>
    getSiteFile(aws.endpoints.s3, aws.names.siteBucket, 'rss.xml').catch((error: unknown) => {
      if (!(error instanceof SiteReadError)) throw error;
      readErrors += 1;
      return undefined;
    });
  try {
    for (const spec of specs) {
      await pipeline.settle();
      await sleep(250);
      const guid = guidFromId(idFromKey(spec.key));
      const start = performance.now();
      await uploadArticle(uploader, aws.names.inboxBucket, spec);
      let seen = false;
      while (!seen && since(start) < TIMEOUT_MS) {
        const rss = await readRss();
        seen = rss?.includes(guid) ?? false;
        if (!seen) await sleep(POLL_MS);
      }
      if (!seen) throw new Error(`${spec.key} not in rss.xml after ${TIMEOUT_MS} ms`);
      times.push(since(start));
    }
  } finally {
    uploader.destroy();
  }
  const all = times.map((t) => Math.round(t)).join(' ');
  const note = `${samples} single uploads, RSS polled over HTTP (s3rver) every ${POLL_MS} ms; all: ${all}; ${readErrors} GETs failed mid-overwrite (s3rver)`;
  results.add('freshness_p50_ms', { value: round(percentile(times, 50), 0), unit: 'ms', note });
  results.add('freshness_p95_ms', {
    value: round(percentile(times, 95), 0),
    unit: 'ms',
    goal: atMost(2000),
  });
}
