import {
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { sha256 } from '../contract/content-hash.ts';
import type { SiteBucket, SiteFile } from '../ports/site-bucket.ts';
import { isS3NotFound } from './s3-errors.ts';

/** Object metadata holding the hash of the body, so unchanged files are never rewritten. */
const HASH_KEY = 'content-sha256';

export class S3SiteBucket implements SiteBucket {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor({ client, bucket }: { client: S3Client; bucket: string }) {
    this.client = client;
    this.bucket = bucket;
  }

  private async storedHash(path: string): Promise<string | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: path }),
      );
      return head.Metadata?.[HASH_KEY] ?? '';
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw error;
    }
  }

  async put(file: SiteFile): Promise<boolean> {
    const hash = sha256(file.body);
    // Same bytes: keep the object, its ETag and Last-Modified, so readers get 304s.
    if ((await this.storedHash(file.path)) === hash) return false;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: file.path,
        Body: file.body,
        ContentType: file.contentType,
        CacheControl: file.cacheControl,
        Metadata: { [HASH_KEY]: hash },
      }),
    );
    return true;
  }

  async delete(path: string): Promise<boolean> {
    if ((await this.storedHash(path)) === undefined) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: path }));
    return true;
  }
}
