import { CopyObjectCommand, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MEDIA_CACHE_CONTROL } from '../contract/media.ts';
import type { MediaCopy, SiteMedia } from '../ports/site-media.ts';

/** Segment-wise encoding: CopySource is a URL path (and s3rver wants it so, STACK-NOTES). */
function copySource(bucket: string, key: string, versionId?: string): string {
  const path = `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return versionId ? `${path}?versionId=${encodeURIComponent(versionId)}` : path;
}

/** Media in the site bucket, copied by S3 from the inbox bucket (CopyObject takes up to 5 GB). */
export class S3SiteMedia implements SiteMedia {
  private readonly client: S3Client;
  private readonly inboxBucket: string;
  private readonly siteBucket: string;

  constructor({
    client,
    inboxBucket,
    siteBucket,
  }: {
    client: S3Client;
    inboxBucket: string;
    siteBucket: string;
  }) {
    this.client = client;
    this.inboxBucket = inboxBucket;
    this.siteBucket = siteBucket;
  }

  async publish(file: MediaCopy): Promise<void> {
    await this.client.send(
      new CopyObjectCommand({
        Bucket: this.siteBucket,
        Key: file.path,
        CopySource: copySource(this.inboxBucket, file.inboxKey, file.versionId),
        // The editor's Content-Type and metadata are not ours to serve: ours replace them.
        MetadataDirective: 'REPLACE',
        // Nor are their tags: copying a tag set would need s3:GetObjectTagging on the inbox and
        // s3:PutObjectTagging on the site, which ingest is not given (infra/feedpub-function.ts).
        TaggingDirective: 'REPLACE',
        ContentType: file.type,
        CacheControl: MEDIA_CACHE_CONTROL,
      }),
    );
  }

  async remove(path: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.siteBucket, Key: path }));
  }
}
