import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../shared/contract/content-hash.ts';
import { SDK_CLIENT_SETTINGS } from '../../../shared/stores/sdk-settings.ts';
import { S3SiteBucket } from '../../../shared/stores/site-bucket.ts';

/** The client as the publish Lambda builds it, its requests signed and kept instead of sent. */
function capturingClient() {
  const sent: { method: string; headers: Record<string, string> }[] = [];
  const client = new S3Client({
    ...SDK_CLIENT_SETTINGS,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      handle: async (request: { method: string; headers: Record<string, string> }) => {
        sent.push({ method: request.method, headers: { ...request.headers } });
        const response = { statusCode: 200, headers: { etag: '"e"' }, body: Readable.from([]) };
        return { response };
      },
    },
  });
  return { client, sent };
}

// A character beyond the BMP (4 bytes) and a lone surrogate (written as U+FFFD, 3 bytes).
const body = `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Café ☕ \u{1F600} \uD800</title></channel></rss>\n`;

describe('S3SiteBucket requests', () => {
  it('signs a PUT with the SHA-256 it stores of the body, and has S3 check the body against it', async () => {
    const { client, sent } = capturingClient();
    const bucket = new S3SiteBucket({ client, bucket: 'site' });
    const file = { path: 'rss.xml', body, contentType: 'application/rss+xml', cacheControl: 'x' };
    expect(await bucket.put(file, 1, { likelyNew: true })).toBe(true);

    const put = sent.find((r) => r.method === 'PUT');
    const hash = sha256(body);
    expect(put?.headers['x-amz-meta-content-sha256']).toBe(hash);
    // Sent as its UTF-8 bytes, encoded once.
    expect(put?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(put?.headers['x-amz-content-sha256']).toBe(hash);
    expect(put?.headers['x-amz-checksum-sha256']).toBe(Buffer.from(hash, 'hex').toString('base64'));
    // No checksum of the SDK's own (CRC32 by default): S3 already checks the SHA-256.
    const checksums = Object.keys(put?.headers ?? {}).filter((h) =>
      h.startsWith('x-amz-checksum-'),
    );
    expect(checksums).toEqual(['x-amz-checksum-sha256']);
    expect(put?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
  });

  it('takes the digest from the metadata it wrote, so the SDK does not hash the body again', async () => {
    const { client, sent } = capturingClient();
    new S3SiteBucket({ client, bucket: 'site' });
    new S3SiteBucket({ client, bucket: 'other' });
    // A PUT of ours always carries its body's digest; this one carries another on purpose, to
    // show which digest the signature is made with (S3 would refuse it).
    const stated = sha256('something else');
    await client.send(
      new PutObjectCommand({
        Bucket: 'site',
        Key: 'a.xml',
        Body: body,
        Metadata: { 'content-sha256': stated },
      }),
    );
    expect(sent[0]?.headers['x-amz-content-sha256']).toBe(stated);
    // The same for the body as bytes (what the adapter sends).
    await client.send(
      new PutObjectCommand({
        Bucket: 'site',
        Key: 'a.xml',
        Body: Buffer.from(body),
        Metadata: { 'content-sha256': stated },
      }),
    );
    expect(sent[1]?.headers['x-amz-content-sha256']).toBe(stated);
    // A PUT without the digest in its metadata is signed as the SDK signs it.
    await client.send(
      new PutObjectCommand({ Bucket: 'site', Key: 'b.bin', Body: Buffer.from(body) }),
    );
    expect(sent[2]?.headers['x-amz-content-sha256']).toBe(sha256(body));
  });
});
