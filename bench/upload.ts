import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { eachLimited } from '../shared/concurrency/each-limited.ts';
import { articleFile } from './article-files.ts';
import type { ArticleSpec } from './corpus.ts';

const CONTENT_TYPE = { md: 'text/markdown', txt: 'text/plain', json: 'application/json' };

/** Uploads one article through the S3 API, as an editor's tool would. */
export async function uploadArticle(s3: S3Client, bucket: string, spec: ArticleSpec) {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: spec.key,
      Body: articleFile(spec),
      ContentType: `${CONTENT_TYPE[spec.format]}; charset=utf-8`,
    }),
  );
}

/** Uploads every article with at most `concurrency` PUTs in flight. */
export async function uploadAll(
  s3: S3Client,
  bucket: string,
  specs: readonly ArticleSpec[],
  concurrency = 16,
): Promise<void> {
  await eachLimited(specs, concurrency, (spec) => uploadArticle(s3, bucket, spec));
}
