import type { SiteConfig } from '../../shared/config/site.ts';
import type { EmbeddedAws } from '../../shared/local/embedded-aws.ts';
import { type Pipeline, type PipelineOptions, startPipeline } from '../../shared/local/pipeline.ts';
import { testAws } from './aws.ts';

export const TEST_SITE: SiteConfig = {
  url: 'https://news.example.com/',
  title: 'Example News',
  description: 'Tests of feedpub',
  language: 'en',
  itemLimit: 50,
};

/**
 * A pipeline of the test's own: its own s3rver (so it sees its own S3 events) and its own
 * table in the file's DynamoDB Local.
 */
export async function startTestPipeline(
  options: Partial<Omit<PipelineOptions, 'aws'>> = {},
): Promise<{ aws: EmbeddedAws; pipeline: Pipeline; stop: () => Promise<void> }> {
  const aws = await testAws();
  const pipeline = await startPipeline({
    site: TEST_SITE,
    releaseIntervalMs: 0,
    ...options,
    aws,
  });
  return {
    aws,
    pipeline,
    stop: async () => {
      await pipeline.stop();
      await aws.stop();
    },
  };
}
