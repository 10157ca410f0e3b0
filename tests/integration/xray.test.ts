import { createSocket, type Socket } from 'node:dgram';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type SubsegmentDocument,
  traced,
  traceSdkClients,
  XRAY_DOCUMENT_HEADER,
} from '../../shared/lambda/xray.ts';
import { localDynamoClients, localS3Client } from '../../shared/local/clients.ts';
import { fileEmulators, uniqueName } from '../support/aws.ts';

// What the X-Ray daemon of a Lambda container receives from our functions: a UDP socket stands
// in for the daemon, real SDK clients call DynamoDB Local and s3rver, and the trace header is
// the one Lambda sets for each invocation.

let daemon: Socket;
const received: SubsegmentDocument[] = [];
const headerLines = new Set<string>();
const saved = {
  daemon: process.env.AWS_XRAY_DAEMON_ADDRESS,
  trace: process.env._X_AMZN_TRACE_ID,
};

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (message) => {
    const text = message.toString('utf8');
    const newline = text.indexOf('\n');
    headerLines.add(text.slice(0, newline));
    received.push(JSON.parse(text.slice(newline + 1)));
  });
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
});
afterAll(() => {
  daemon.close();
});
afterEach(() => {
  for (const [name, value] of [
    ['AWS_XRAY_DAEMON_ADDRESS', saved.daemon],
    ['_X_AMZN_TRACE_ID', saved.trace],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const hex = (length: number) =>
  Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');
/** A trace header as Lambda sets it for one invocation. */
function invocation(sampled: boolean): { root: string; parent: string } {
  const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${hex(24)}`;
  const parent = hex(16);
  process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${daemon.address().port}`;
  process.env._X_AMZN_TRACE_ID = `Root=${root};Parent=${parent};Sampled=${sampled ? 1 : 0};Lineage=a1b2c3d4:0`;
  return { root, parent };
}

const ofTrace = (root: string) => received.filter((document) => document.trace_id === root);
async function documentsOf(root: string, count: number): Promise<SubsegmentDocument[]> {
  await vi.waitFor(() => expect(ofTrace(root).length).toBeGreaterThanOrEqual(count), {
    timeout: 20_000,
    interval: 20,
  });
  return ofTrace(root);
}

describe('X-Ray subsegments of a traced function', () => {
  let clients: Awaited<ReturnType<typeof tracedClients>>;
  async function tracedClients() {
    const endpoints = await fileEmulators();
    const { dynamo } = localDynamoClients(endpoints.dynamodb);
    const s3 = localS3Client(endpoints.s3);
    traceSdkClients(dynamo, s3);
    // What the requests carried, seen after the tracer's build step.
    const sentHeaders: string[] = [];
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers: Record<string, string> }).headers;
        sentHeaders.push(headers['X-Amzn-Trace-Id'] ?? '(none)');
        return next(args);
      },
      { step: 'finalizeRequest', name: 'seeTraceHeader' },
    );
    const table = uniqueName('xray');
    const bucket = uniqueName('xray');
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return { dynamo, s3, table, bucket, sentHeaders };
  }
  beforeAll(async () => {
    clients = await tracedClients();
  });

  it('records the invocation and each SDK call under it, with what X-Ray shows of them', async () => {
    const { dynamo, s3, table, bucket, sentHeaders } = clients;
    const handler = traced('publish', async (key: string) => {
      await dynamo.send(new GetItemCommand({ TableName: table, Key: { pk: { S: key } } }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
      // A missing object: S3 answers 404, the function carries on.
      await s3
        .send(new HeadObjectCommand({ Bucket: bucket, Key: `${key}.missing` }))
        .catch(() => {});
      return 'done';
    });

    const first = invocation(true);
    expect(await handler('a.html')).toBe('done');
    const documents = await documentsOf(first.root, 4);
    expect([...headerLines]).toEqual([XRAY_DOCUMENT_HEADER]);
    expect(documents).toHaveLength(4);
    const [invocationSegment] = documents.filter((document) => document.name === '## publish');
    expect(invocationSegment).toMatchObject({
      type: 'subsegment',
      parent_id: first.parent,
      annotations: { ColdStart: true, Service: 'publish' },
    });
    expect(invocationSegment?.id).toMatch(/^[0-9a-f]{16}$/);
    const calls = documents.filter((document) => document !== invocationSegment);
    for (const call of calls) {
      expect(call).toMatchObject({
        type: 'subsegment',
        namespace: 'aws',
        parent_id: invocationSegment?.id,
      });
      expect(call.id).toMatch(/^[0-9a-f]{16}$/);
      expect(call.start_time).toBeGreaterThanOrEqual(invocationSegment?.start_time ?? Infinity);
      expect(call.end_time).toBeGreaterThanOrEqual(call.start_time);
      expect(call.end_time).toBeLessThanOrEqual(invocationSegment?.end_time ?? 0);
    }
    const byOperation = new Map(calls.map((call) => [call.aws?.operation, call]));
    expect(byOperation.get('GetItem')).toMatchObject({
      name: 'DynamoDB',
      aws: { operation: 'GetItem', region: 'us-east-1', table_name: table, retries: 0 },
      http: { response: { status: 200 } },
    });
    expect(byOperation.get('GetItem')?.aws?.request_id).toEqual(expect.any(String));
    expect(byOperation.get('PutObject')).toMatchObject({
      name: 'S3',
      aws: { operation: 'PutObject', bucket_name: bucket, key: 'a.html' },
      http: { response: { status: 200 } },
    });
    expect(byOperation.get('PutObject')?.error).toBeUndefined();
    const missing = byOperation.get('HeadObject');
    expect(missing).toMatchObject({
      name: 'S3',
      error: true,
      http: { response: { status: 404 } },
      cause: { exceptions: [{ type: 'NotFound', remote: true }] },
    });
    expect(missing?.fault).toBeUndefined();
    // DynamoDB heard of the trace: this call's subsegment as its parent, Lambda's extra fields kept.
    expect(sentHeaders.at(-1)).toBe(
      `Root=${first.root};Parent=${byOperation.get('GetItem')?.id};Sampled=1;Lineage=a1b2c3d4:0`,
    );

    // The container's next invocation is warm.
    const second = invocation(true);
    await handler('b.html');
    const again = await documentsOf(second.root, 4);
    expect(again.find((document) => document.name === '## publish')?.annotations).toMatchObject({
      ColdStart: false,
    });
  });

  it('records a failed invocation as a fault with its exception, and still throws', async () => {
    const failing = traced('ingest', async () => {
      throw new TypeError('the batch could not be read');
    });
    const trace = invocation(true);
    await expect(failing()).rejects.toThrow('the batch could not be read');
    const [document] = await documentsOf(trace.root, 1);
    expect(document).toMatchObject({
      name: '## ingest',
      fault: true,
      cause: { exceptions: [{ type: 'TypeError', message: 'the batch could not be read' }] },
    });
    expect(document?.cause?.exceptions[0]?.stack.length).toBeGreaterThan(0);
  });

  it('sends nothing and adds no header for an unsampled invocation or outside Lambda', async () => {
    const { dynamo, table, sentHeaders } = clients;
    const handler = traced('release', async () => {
      await dynamo.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'x' } } }));
    });
    const unsampled = invocation(false);
    await handler();
    expect(sentHeaders.at(-1)).toBe('(none)');
    delete process.env.AWS_XRAY_DAEMON_ADDRESS;
    const outside = invocation(true);
    delete process.env.AWS_XRAY_DAEMON_ADDRESS;
    await handler();
    expect(sentHeaders.at(-1)).toBe('(none)');
    // A sampled one after them arrives; nothing of the two before it ever did.
    const sampled = invocation(true);
    await handler();
    await documentsOf(sampled.root, 2);
    expect(ofTrace(unsampled.root)).toEqual([]);
    expect(ofTrace(outside.root)).toEqual([]);
  });
});
