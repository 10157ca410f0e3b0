import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { MAX_ARTICLE_BYTES } from '../articles/decode.ts';
import { ArticleRejectedError } from '../articles/errors.ts';
import { type IngestReport, reportKey } from '../contract/inbox.ts';
import type { Inbox, ObjectSummary } from '../ports/inbox.ts';
import { isS3NotFound, isS3PreconditionFailed } from './s3-errors.ts';

/** The inbox bucket: uploads are only ever read; reports are written beside them. */
export class S3Inbox implements Inbox {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor({ client, bucket }: { client: S3Client; bucket: string }) {
    this.client = client;
    this.bucket = bucket;
  }

  async read(key: string, versionId?: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }),
      );
      // Never pull a huge upload into memory just to reject it.
      if ((out.ContentLength ?? 0) > MAX_ARTICLE_BYTES) {
        out.Body?.transformToWebStream().cancel();
        const mib = ((out.ContentLength ?? 0) / MAX_ARTICLE_BYTES).toFixed(2);
        throw new ArticleRejectedError('too-large', `file is ${mib} MiB; the limit is 1 MiB`);
      }
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw error;
    }
  }

  async inspect(
    key: string,
    versionId: string | undefined,
    headBytes: number,
  ): Promise<ObjectSummary | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }),
      );
      const size = head.ContentLength ?? 0;
      const etag = head.ETag ?? '';
      // No bytes asked for (or none there): the HEAD alone.
      if (size === 0 || headBytes <= 0) return { size, etag, head: new Uint8Array() };
      // The same version as the HEAD: a newer upload in between must not lend its bytes.
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          VersionId: versionId,
          IfMatch: etag || undefined,
          Range: `bytes=0-${headBytes - 1}`,
        }),
      );
      const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
      return { size, etag, head: bytes.slice(0, headBytes) };
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw error;
    }
  }

  async writeReport(report: IngestReport): Promise<void> {
    await this.putReport(report);
  }

  async writeFirstReport(report: IngestReport): Promise<boolean> {
    try {
      await this.putReport(report, { IfNoneMatch: '*' });
      return true;
    } catch (error) {
      if (isS3PreconditionFailed(error)) return false;
      throw error;
    }
  }

  private async putReport(report: IngestReport, condition: { IfNoneMatch?: string } = {}) {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: reportKey(report.key),
        Body: `${JSON.stringify(report, null, 2)}\n`,
        ContentType: 'application/json; charset=utf-8',
        ...condition,
      }),
    );
  }
}
