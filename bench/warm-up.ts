import type { SiteConfig } from '../shared/config/site.ts';
import { localS3Client } from '../shared/local/clients.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { startPipeline } from '../shared/local/pipeline.ts';
import { generateCorpus } from './corpus.ts';
import { withOwnResources } from './names.ts';
import { uploadAll } from './upload.ts';

/**
 * A few articles through a throwaway pipeline first, so neither design's figures include the
 * JIT warm-up of DynamoDB Local's JVM and of Node.
 */
export async function warmUp(base: EmbeddedAws, site: SiteConfig, count = 40): Promise<void> {
  const aws = await withOwnResources(base, 'warm-up');
  const pipeline = await startPipeline({ aws, site, releaseIntervalMs: 0 });
  const uploader = localS3Client(aws.endpoints.s3);
  try {
    const specs = generateCorpus({ seed: 99, count, folder: 'warm-up' });
    await uploadAll(uploader, aws.names.inboxBucket, specs, 16);
    await pipeline.settle();
  } finally {
    uploader.destroy();
    await pipeline.stop();
  }
}
