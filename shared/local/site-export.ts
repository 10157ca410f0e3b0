import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { eachLimited } from '../concurrency/each-limited.ts';

/** Copies every object of the site bucket into `outDir` as `<outDir>/<key>`; returns the keys. */
export async function exportSite(s3: S3Client, bucket: string, outDir: string): Promise<string[]> {
  const root = resolve(outDir);
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  keys.sort();
  await eachLimited(keys, 8, async (key) => {
    const target = resolve(root, ...key.split('/'));
    // Keys are the publisher's own paths; refuse anything that would land outside the folder.
    const inside = relative(root, target);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..')
      throw new Error(`site object "${key}" would be written outside ${root}`);
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = await out.Body?.transformToByteArray();
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, body ?? new Uint8Array());
  });
  return keys;
}
