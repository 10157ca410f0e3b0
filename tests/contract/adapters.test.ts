import { randomUUID } from 'node:crypto';
import { type QueryCommandInput, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { keys } from '../../shared/contract/table.ts';
import { localS3Client } from '../../shared/local/clients.ts';
import { createBucket, createTable } from '../../shared/local/resources.ts';
import { DynamoArticleTable, walkChunk } from '../../shared/stores/article-table.ts';
import { S3Inbox } from '../../shared/stores/inbox-bucket.ts';
import { DynamoRenderLedger } from '../../shared/stores/render-ledger.ts';
import { S3SiteBucket } from '../../shared/stores/site-bucket.ts';
import { S3SiteMedia } from '../../shared/stores/site-media.ts';
import { emulatorClients, fileEmulators, uniqueName } from '../support/aws.ts';
import { saveArticle, testArticle } from '../support/fakes/articles.ts';
import { serveVersions, versionKey } from '../support/reliability-pipeline.ts';
import { articleStoreContract } from './article-store.ts';
import { feedReaderContract } from './feed-reader.ts';
import { inboxContract } from './inbox.ts';
import { renderLedgerContract } from './render-ledger.ts';
import { siteBucketContract } from './site-bucket.ts';
import { siteMediaContract } from './site-media.ts';

// The real adapters on DynamoDB Local and s3rver, started once for this file; each case has
// a table or bucket of its own. The fakes meet the same contracts (fakes.test.ts).

let clients: ReturnType<typeof emulatorClients> | undefined;
/** A second S3 client whose GETs of a VersionId read that version's copy: s3rver has no versions. */
let versionedS3: Promise<S3Client> | undefined;

afterAll(async () => {
  for (const client of Object.values((await clients) ?? {})) client.destroy();
  (await versionedS3)?.destroy();
});

const shared = () => {
  clients ??= emulatorClients();
  return clients;
};

/** A client that reads (and copies) a named version from its copy under versions/. */
function versionedClient(): Promise<S3Client> {
  return fileEmulators().then(({ s3: endpoint }) => {
    const client = localS3Client(endpoint);
    serveVersions(client);
    return client;
  });
}

async function table() {
  const { dynamo } = await shared();
  const tableName = uniqueName('contract');
  await createTable(dynamo, tableName);
  return new DynamoArticleTable({ client: dynamo, tableName });
}

async function bucket() {
  const { s3 } = await shared();
  const name = uniqueName('contract');
  await createBucket(s3, name);
  return { s3, name };
}

articleStoreContract('DynamoArticleTable', table);
feedReaderContract('DynamoArticleTable', table);

renderLedgerContract('DynamoRenderLedger', async () => {
  const { dynamo } = await shared();
  const tableName = uniqueName('contract');
  await createTable(dynamo, tableName);
  let clock = Date.parse('2026-12-03T10:00:00Z');
  const ledger = new DynamoRenderLedger({ client: dynamo, tableName, now: () => clock });
  const reader = new DynamoArticleTable({ client: dynamo, tableName });
  return {
    ledger: Object.assign(ledger, {
      getFeedMeta: reader.getFeedMeta.bind(reader),
      listFeedMetas: reader.listFeedMetas.bind(reader),
      listSitemapDays: reader.listSitemapDays.bind(reader),
      archiveLink: reader.archiveLink.bind(reader),
    }),
    advance: (ms) => {
      clock += ms;
    },
  };
});

inboxContract('S3Inbox', async () => {
  const { s3, name } = await bucket();
  versionedS3 ??= versionedClient();
  const put = (Key: string, Body: string | Uint8Array) =>
    s3.send(
      new PutObjectCommand({ Bucket: name, Key, Body, ContentLength: Buffer.byteLength(Body) }),
    );
  return {
    inbox: new S3Inbox({ client: await versionedS3, bucket: name }),
    upload: async (key, body) => {
      const versionId = randomUUID();
      await put(key, body);
      await put(versionKey(versionId), body);
      return versionId;
    },
    remove: async (key) => {
      await s3.send(new DeleteObjectCommand({ Bucket: name, Key: key }));
    },
  };
});

siteBucketContract('S3SiteBucket', async () => {
  const { s3, name } = await bucket();
  return {
    bucket: new S3SiteBucket({ client: s3, bucket: name }),
    stored: async (path) => {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: name, Key: path }));
        return {
          body: (await out.Body?.transformToString()) ?? '',
          contentType: out.ContentType ?? '',
          cacheControl: out.CacheControl ?? '',
        };
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
    plant: async (path, body) => {
      await s3.send(new PutObjectCommand({ Bucket: name, Key: path, Body: body }));
    },
    twin: () => new S3SiteBucket({ client: s3, bucket: name }),
  };
});

describe("S3SiteBucket with another publisher's notes", () => {
  it('puts new bytes on the noted ETag without a HEAD, and looks first when the notes are stale or the bytes may be the same', async () => {
    const { s3, name } = await bucket();
    const counting = localS3Client((await fileEmulators()).s3);
    const heads: string[] = [];
    counting.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'HeadObjectCommand') heads.push(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'countHeads' },
    );
    try {
      const first = new S3SiteBucket({ client: s3, bucket: name });
      const other = new S3SiteBucket({ client: counting, bucket: name });
      const file = (body: string) => ({
        path: 'rss.xml',
        body,
        contentType: 'application/rss+xml',
        cacheControl: 'max-age=60',
      });
      expect(await first.put(file('one'), 1)).toBe(true);
      const note = first.noted('rss.xml');
      expect(note).toMatch(/^[0-9a-f]{32} [0-9a-f]{16} 1$/);
      const notes = { lastRender: 1, lastFiles: { 'rss.xml': note as string } };
      expect(await other.put(file('two'), 2, notes)).toBe(true);
      expect(heads).toEqual([]);
      // Stale (written since): refused on the ETag, then decided on a HEAD.
      expect(await other.put(file('three'), 3, notes)).toBe(true);
      expect(heads).toHaveLength(1);
      // Maybe the same bytes: looked at.
      const same = { lastRender: 3, lastFiles: { 'rss.xml': other.noted('rss.xml') as string } };
      expect(await first.put(file('three'), 4, same)).toBe(false);
      const text = await s3.send(new GetObjectCommand({ Bucket: name, Key: 'rss.xml' }));
      expect(await text.Body?.transformToString()).toBe('three');
    } finally {
      counting.destroy();
    }
  });
});

siteMediaContract('S3SiteMedia', async () => {
  const inbox = await bucket();
  const site = await bucket();
  const { s3 } = inbox;
  versionedS3 ??= versionedClient();
  const put = (Key: string, Body: Uint8Array) =>
    s3.send(
      new PutObjectCommand({
        Bucket: inbox.name,
        Key,
        Body,
        ContentType: 'application/octet-stream',
        CacheControl: 'no-store',
      }),
    );
  return {
    media: new S3SiteMedia({
      client: await versionedS3,
      inboxBucket: inbox.name,
      siteBucket: site.name,
    }),
    upload: async (key, body) => {
      const versionId = randomUUID();
      await put(key, body);
      await put(versionKey(versionId), body);
      return versionId;
    },
    stored: async (path) => {
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: site.name, Key: path }));
        return {
          body: (await out.Body?.transformToByteArray()) ?? new Uint8Array(),
          contentType: out.ContentType ?? '',
          cacheControl: out.CacheControl ?? '',
        };
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
  };
});

describe('DynamoRenderLedger across versions', () => {
  it("never hands out an archive view or file notes with a later read that a release knowing none recorded (a deploy's older version)", async () => {
    const { dynamo } = await shared();
    const tableName = uniqueName('contract');
    await createTable(dynamo, tableName);
    const ledger = new DynamoRenderLedger({ client: dynamo, tableName });
    const unit = 'feed all';
    const archive = {
      limit: 20,
      frontier: '2025-01-01T10:00:00.000Z#a',
      starts: ['2025-01-01T09:00:00.000Z#b'],
      near: 1,
      lowest: '2025-01-01T09:00:00.000Z#b',
      complete: false,
      newest: 1,
      first: false,
    };
    const files = { 'rss.xml': '0cc175b9c0f1b6a831c399e269772661 9a7f8c2e4b1d3f60 1' };
    await ledger.claim(unit, 'new', 30_000);
    await ledger.release(unit, 'new', 1, { from: 5_000, settings: 's', archive, files });
    expect((await ledger.lastRender(unit)).read).toEqual({
      from: 5_000,
      settings: 's',
      archive,
      files,
    });
    // The release of a version before views, verbatim: it leaves readArchive and readFiles as
    // they were.
    await ledger.claim(unit, 'old', 30_000);
    await dynamo.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: marshall(keys.render(unit)),
        UpdateExpression:
          'SET rendered = :covers, readFrom = :from, readWith = :settings REMOVE holder, leaseUntil',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: marshall({
          ':holder': 'old',
          ':covers': 2,
          ':from': 60_000,
          ':settings': 's',
        }),
      }),
    );
    expect(await ledger.lastRender(unit)).toEqual({
      rendered: 2,
      read: { from: 60_000, settings: 's' },
    });
  });
});

describe('DynamoArticleTable walks', () => {
  it('read each write shard in chunks that double, so a long walk takes few rounds of Queries', async () => {
    const own = await emulatorClients();
    const { dynamo } = own;
    try {
      const tableName = uniqueName('contract');
      await createTable(dynamo, tableName);
      const table = new DynamoArticleTable({ client: dynamo, tableName });
      const ids = Array.from({ length: 500 }, (_, i) => `long-${String(i).padStart(3, '0')}`);
      for (const [i, id] of ids.entries())
        await saveArticle(
          table,
          testArticle(id, { published: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }),
        );
      const limits = new Map<string, number[]>();
      dynamo.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'QueryCommand') {
            const input = args.input as QueryCommandInput;
            const pk = String(input.ExpressionAttributeValues?.[':pk']?.S);
            limits.set(pk, [...(limits.get(pk) ?? []), Number(input.Limit)]);
          }
          return next(args);
        },
        { step: 'initialize', name: 'countWalkQueries' },
      );
      const walked: string[] = [];
      for await (const entry of table.walkEntries('all', { order: 'oldest first' }))
        walked.push(entry.id);
      expect(walked).toEqual(ids);
      // ~50 entries a shard (the ids spread them): a chunk of 24, then one of 48 reads the rest
      // of every shard. Chunks of 24 took three Queries of most (26 in all here).
      expect(limits.size).toBeGreaterThan(1);
      let queries = 0;
      for (const [pk, asked] of limits) {
        expect(asked, pk).toEqual(asked.map((_, n) => walkChunk(n)));
        queries += asked.length;
      }
      expect(queries).toBeLessThanOrEqual(2 * limits.size);
    } finally {
      for (const client of Object.values(own)) client.destroy();
    }
  });
});
