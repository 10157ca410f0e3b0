import { guidFromId, idFromKey } from '../shared/articles/object-key.ts';
import { EDGE_SECONDS } from '../shared/contract/edge.ts';
import { localS3Client } from '../shared/local/clients.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import type { Pipeline } from '../shared/local/pipeline.ts';
import { startSiteServer } from '../shared/local/site-server.ts';
import { generateCorpus } from './corpus.ts';
import { atMost, type Results } from './results.ts';
import { percentile, round, since, sleep } from './stats.ts';
import { uploadArticle } from './upload.ts';

const POLL_MS = 20;
const TIMEOUT_MS = 30_000;

/**
 * Single uploads on an idle pipeline: from the PutObject until the site-wide RSS, fetched every
 * ~20 ms over HTTP through the local model of the edge (the site server of `feedpub dev`: it
 * keeps a feed as long as CloudFront does), lists the article. Undated, so each is the newest
 * item. What a reader polling the deployed site sees, less the network.
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
  const edge = await startSiteServer({ port: 0 });
  edge.attach({ s3: aws.s3, bucket: aws.names.siteBucket });
  const times: number[] = [];
  let readErrors = 0;
  const readRss = async () => {
    const response = await fetch(`${edge.url}rss.xml`);
    if (response.ok) return response.text();
    readErrors += 1;
    return undefined;
  };
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
    await edge.close();
  }
  const all = times.map((t) => Math.round(t)).join(' ');
  const note = `${samples} single uploads, RSS polled every ${POLL_MS} ms through the local edge (feeds kept ${EDGE_SECONDS.feed} s, as CloudFront keeps them); all: ${all}; ${readErrors} GETs not 200`;
  results.add('freshness_p50_ms', { value: round(percentile(times, 50), 0), unit: 'ms', note });
  results.add('freshness_p95_ms', {
    value: round(percentile(times, 95), 0),
    unit: 'ms',
    goal: atMost(3000),
  });
}
