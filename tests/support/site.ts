import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Reads and writes of the test's buckets, kept short in the tests themselves. */
export function bucketHelpers(s3: S3Client, bucket: string) {
  return {
    put: (key: string, body: string | Uint8Array) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
    remove: (key: string) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
    text: async (key: string): Promise<string | undefined> => {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return await out.Body?.transformToString();
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    head: (key: string) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    keys: async (prefix = ''): Promise<string[]> => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
        token = page.NextContinuationToken;
      } while (token);
      return keys.sort();
    },
  };
}
