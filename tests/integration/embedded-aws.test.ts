import { createHash } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { Readable } from 'node:stream';
import { DescribeTableCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketWebsiteCommand,
  DeleteObjectCommand,
  GetBucketWebsiteCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketWebsiteCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { startSiteServer } from '../../shared/local/site-server.ts';
import { fileEmulators, isolatedResources, testAws } from '../support/aws.ts';
import { descendants } from '../support/cli-process.ts';
import { LOOPBACK, listeners, listenersOf } from '../support/listeners.ts';

describe('embedded AWS smoke test', () => {
  it('stores, reads and lists objects through s3rver, across pages', async () => {
    const { s3, names } = await isolatedResources('smoke');
    const keys = Array.from({ length: 7 }, (_, i) => `articles/ünïcode dir/item ${i}+%.txt`);
    for (const [i, key] of keys.entries()) {
      await s3.send(
        new PutObjectCommand({ Bucket: names.inboxBucket, Key: key, Body: `body ${i} ✓` }),
      );
    }

    const got = await s3.send(new GetObjectCommand({ Bucket: names.inboxBucket, Key: keys[3] }));
    expect(await got.Body?.transformToString()).toBe('body 3 ✓');

    const listed: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: names.inboxBucket,
          MaxKeys: 3,
          ContinuationToken: token,
        }),
      );
      listed.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
      token = page.NextContinuationToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(listed.sort()).toEqual([...keys].sort());
  });

  it('stores a body byte for byte with the ETag S3 gives it, small or past the size it buffers', async () => {
    const { s3, names } = await isolatedResources('bodies');
    // 9 MiB streams to disk; the others are written whole (makePutsAtomic's two paths).
    for (const size of [0, 1, 70_000, 9 * 2 ** 20]) {
      const body = Buffer.alloc(size);
      for (let i = 0; i < size; i += 4096) body[i] = (i / 4096) % 251;
      const key = `media/body-${size}.bin`;
      const put = await s3.send(
        new PutObjectCommand({ Bucket: names.inboxBucket, Key: key, Body: body }),
      );
      const md5 = createHash('md5').update(body).digest('hex');
      expect(put.ETag).toBe(`"${md5}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: names.inboxBucket, Key: key }));
      const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
      expect({ size: bytes.length, same: bytes.equals(body), etag: got.ETag }).toEqual({
        size,
        same: true,
        etag: `"${md5}"`,
      });
    }
  });

  it('sends an event for every delete, however many empty one folder at once (aws s3 rm --recursive)', async () => {
    const aws = await testAws('rm');
    try {
      const removed: string[] = [];
      aws.onS3Event((record) => {
        if (record.eventName.startsWith('ObjectRemoved')) removed.push(record.s3.object.key);
      });
      const bucket = aws.names.inboxBucket;
      for (const round of [1, 2, 3]) {
        const keys = Array.from({ length: 20 }, (_, i) => `articles/r${round}/deep/story-${i}.md`);
        await Promise.all(
          keys.map((Key) => aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))),
        );
        removed.length = 0;
        // Each request is answered after its event is queued, so all 20 are in when they return.
        await Promise.all(
          keys.map((Key) => aws.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }))),
        );
        expect(new Set(removed.map(decodeURIComponent)), `round ${round}`).toEqual(new Set(keys));
        const left = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        expect(left.KeyCount ?? 0).toBe(0);
      }
    } finally {
      await aws.stop();
    }
  });

  it("answers a bucket's removal, creation and website configuration as soon as they change", async () => {
    const { s3, names } = await isolatedResources('buckets');
    const Bucket = `${names.siteBucket}-own`;
    const status = (request: Promise<unknown>) =>
      request.then(
        () => 200,
        (error: { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode,
      );
    expect(await status(s3.send(new HeadBucketCommand({ Bucket })))).toBe(404);
    await s3.send(new CreateBucketCommand({ Bucket }));
    expect(await status(s3.send(new HeadBucketCommand({ Bucket })))).toBe(200);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'a.txt', Body: 'a' }));

    const website = () => s3.send(new GetBucketWebsiteCommand({ Bucket }));
    expect(await status(website())).toBe(404);
    for (const suffix of ['index.html', 'home.html']) {
      await s3.send(
        new PutBucketWebsiteCommand({
          Bucket,
          WebsiteConfiguration: { IndexDocument: { Suffix: suffix } },
        }),
      );
      expect((await website()).IndexDocument?.Suffix).toBe(suffix);
    }
    await s3.send(new DeleteBucketWebsiteCommand({ Bucket }));
    expect(await status(website())).toBe(404);

    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'a.txt' }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
    expect(await status(s3.send(new HeadBucketCommand({ Bucket })))).toBe(404);
    expect(await status(s3.send(new GetObjectCommand({ Bucket, Key: 'a.txt' })))).toBe(404);
    await s3.send(new CreateBucketCommand({ Bucket }));
    expect(await status(s3.send(new HeadBucketCommand({ Bucket })))).toBe(200);
    expect(await status(website())).toBe(404);
  });

  it('reads a transaction back from the table stream', async () => {
    const { dynamo, streams, names } = await isolatedResources('smoke');
    await dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Put: {
              TableName: names.table,
              Item: { pk: { S: 'ART#a' }, sk: { S: 'A' }, title: { S: 'One' } },
            },
          },
          { Put: { TableName: names.table, Item: { pk: { S: 'FEED#all' }, sk: { S: '2026#a' } } } },
        ],
      }),
    );

    const table = await dynamo.send(new DescribeTableCommand({ TableName: names.table }));
    expect(table.Table?.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    const stream = await streams.send(
      new DescribeStreamCommand({ StreamArn: table.Table?.LatestStreamArn }),
    );
    const records = [];
    for (const shard of stream.StreamDescription?.Shards ?? []) {
      const iterator = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: table.Table?.LatestStreamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const page = await streams.send(
        new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }),
      );
      records.push(...(page.Records ?? []));
    }
    const inserted = records.map((r) => [r.eventName, r.dynamodb?.NewImage?.pk?.S]);
    expect(inserted).toEqual(
      expect.arrayContaining([
        ['INSERT', 'ART#a'],
        ['INSERT', 'FEED#all'],
      ]),
    );
    expect(
      records.find((r) => r.dynamodb?.Keys?.pk?.S === 'ART#a')?.dynamodb?.NewImage?.title?.S,
    ).toBe('One');
  });

  it('turns away what a web page could send to s3rver: forms, other origins, other hosts', async () => {
    const { s3, names } = await isolatedResources('browser');
    const { s3: endpoint } = await fileEmulators();
    const bucketUrl = `${endpoint}/${names.inboxBucket}`;
    const form = new FormData();
    form.append('key', 'articles/planted.md');
    form.append('file', new Blob(['---\ntitle: Planted\n---\n']), 'planted.md');

    const refused = [
      await fetch(bucketUrl, { method: 'POST', body: form }),
      await fetch(bucketUrl, {
        method: 'POST',
        body: form,
        headers: { origin: 'https://evil.example' },
      }),
      await fetch(`${bucketUrl}/articles/planted.md`, { method: 'PUT', body: 'x' }),
      await fetch(`${bucketUrl}?list-type=2`, { headers: { origin: 'https://evil.example' } }),
      // fetch cannot set Host; a DNS-rebound page's requests carry its own name.
      { status: await statusWithHost(`${bucketUrl}?list-type=2`, 'rebound.example') },
    ];

    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: names.inboxBucket }));
    expect(listed.Contents ?? []).toEqual([]);
    // What S3 clients send still works: signed writes, and reads from this machine.
    await s3.send(
      new PutObjectCommand({ Bucket: names.inboxBucket, Key: 'articles/ok.md', Body: 'ok' }),
    );
    expect((await fetch(`${bucketUrl}/articles/ok.md`)).status).toBe(200);
  });

  it('lets no web page call DynamoDB Local: its CORS answer allows no origin', async () => {
    const { dynamodb } = await fileEmulators();
    const preflight = await fetch(dynamodb, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,authorization',
      },
    });
    // Without an allowed origin the browser never sends the call itself.
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the site server never serves an object read before s3rver wrote its metadata', async () => {
    const { s3, names } = await isolatedResources('torn');
    await s3.send(
      new PutObjectCommand({
        Bucket: names.siteBucket,
        Key: 'rss.xml',
        Body: '<rss/>',
        ContentType: 'application/rss+xml; charset=utf-8',
      }),
    );
    // The first read comes back as s3rver answers between writing a new object's bytes and its
    // metadata file: the bytes, and its default Content-Type.
    let torn = 1;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'GetObjectCommand' || torn-- <= 0) return next(args);
        return {
          response: {},
          output: {
            $metadata: {},
            ContentType: 'binary/octet-stream',
            ContentLength: 6,
            Body: Readable.from([Buffer.from('<rss/>')]),
          },
        } as never;
      },
      { step: 'initialize', name: 'tornRead' },
    );
    const server = await startSiteServer({ port: 0 });
    try {
      server.attach({ s3, bucket: names.siteBucket });
      const res = await fetch(`${server.url}rss.xml`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
      expect(torn).toBe(-1);
    } finally {
      await server.close();
    }
  });

  it('listens on 127.0.0.1 only: DynamoDB Local, s3rver and the site server', async () => {
    const endpoints = await fileEmulators();
    const server = await startSiteServer({ port: 0 });
    try {
      const ours = [endpoints.dynamodb, endpoints.s3, server.url].map((url) =>
        Number(new URL(url).port),
      );
      const onOurPorts = listeners().filter((l) => ours.includes(l.port));
      const ofOurProcesses = listenersOf([
        process.pid,
        ...descendants(process.pid).map((p) => p.pid),
      ]);

      expect(onOurPorts.map((l) => l.port)).toEqual(expect.arrayContaining(ours));
      expect(ofOurProcesses.map((l) => l.port)).toEqual(expect.arrayContaining(ours));
      for (const found of [onOurPorts, ofOurProcesses])
        expect(found.filter((l) => !LOOPBACK.includes(l.address))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

/** The status of a GET sent with another Host header, as a DNS-rebound page would send it. */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers: { host: `${host}:${new URL(url).port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

describe('the embedded S3 keeps every key inside its bucket', () => {
  it('refuses a key with a "." or ".." segment: s3rver would write it outside', async () => {
    const { s3, names } = await isolatedResources('escape');
    for (const Key of ['articles/../../escape.md', 'articles/./x.md', 'articles/a/../b.md']) {
      await expect(
        s3.send(new PutObjectCommand({ Bucket: names.inboxBucket, Key, Body: 'x' })),
        Key,
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    }
    // What S3 takes as a plain name stays one: dots inside a name, a backslash.
    for (const Key of [
      'articles/..md',
      'articles/....txt',
      'articles/back\\slash.md',
      'articles/%2e%2e/x.md',
    ]) {
      await s3.send(new PutObjectCommand({ Bucket: names.inboxBucket, Key, Body: 'ok' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: names.inboxBucket, Key }));
      expect(await got.Body?.transformToString(), Key).toBe('ok');
    }
  });

  it('answers a key too long for a file name as S3 answers a key it has not: 404 to a read, not a 500', async () => {
    const { s3, names } = await isolatedResources('long-names');
    const Bucket = names.siteBucket;
    for (const Key of [
      `${'a'.repeat(400)}`,
      `articles/${'é'.repeat(120)}.html`,
      `${'b'.repeat(256)}/x`,
    ]) {
      await expect(s3.send(new GetObjectCommand({ Bucket, Key })), Key).rejects.toMatchObject({
        name: 'NoSuchKey',
        $metadata: { httpStatusCode: 404, attempts: 1 },
      });
      await expect(s3.send(new HeadObjectCommand({ Bucket, Key })), Key).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
      await expect(
        s3.send(new PutObjectCommand({ Bucket, Key, Body: 'x' })),
        Key,
      ).rejects.toMatchObject({
        $metadata: { httpStatusCode: 400 },
        message: expect.stringContaining('longer than a file name may be'),
      });
      await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    }
    // Up to the limit, stored and read back as any other key.
    const Key = `articles/${'c'.repeat(228)}.html`;
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'ok' }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    expect(await got.Body?.transformToString()).toBe('ok');
  });
});
