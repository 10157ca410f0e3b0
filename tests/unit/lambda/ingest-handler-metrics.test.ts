import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { METRICS } from '../../../shared/contract/metrics.ts';
import type { IngestDeps } from '../../../shared/ingest/ingest-object.ts';
import { createIngestHandler } from '../../../shared/lambda/ingest-handler.ts';
import { memoryIngestDeps } from '../../support/fakes/inbox.ts';

/** What a record's body does here; none of them reaches the store or the inbox. */
const BODY = {
  /** The subscription's test event: no object events, acknowledged. */
  ok: JSON.stringify({ Event: 's3:TestEvent' }),
  /** Not an S3 notification, and parking it fails: reported failed, retried. */
  failing: 'not json',
};

/** An S3 ObjectCreated notification of `object`, as the inbox queue carries it. */
const s3Created = (object: { key: string; sequencer: string; versionId?: string }) =>
  JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'inbox' }, object },
        eventTime: '2026-06-01T00:00:00.000Z',
      },
    ],
  });

let count = 0;
const record = (body: string): SQSRecord =>
  ({
    messageId: `m-${++count}`,
    body,
    attributes: { ApproximateReceiveCount: '1' },
    eventSource: 'aws:sqs',
  }) as unknown as SQSRecord;

const unused = () => {
  throw new Error('not used by these records');
};

/** Every EMF document the handler printed, as CloudWatch would read it from the log. */
let printed: Record<string, unknown>[];

function handler() {
  const deps = {
    store: new Proxy({}, { get: unused }),
    inbox: new Proxy({}, { get: unused }),
    siteUrl: 'https://news.example.com/',
    now: () => new Date('2026-06-01T00:00:00.000Z'),
    deadLetters: {
      park: async () => {
        throw new Error('injected: the dead-letter queue is unavailable');
      },
    },
  } as unknown as IngestDeps & { deadLetters: { park: () => Promise<void> } };
  return createIngestHandler(deps, {
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    // As the Lambda builds it from POWERTOOLS_* (infra/feedpub-function.ts).
    metrics: new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.services.ingest }),
  });
}

beforeEach(() => {
  // Dev mode prints EMF with the global console; metrics stay on (the harness turns them off).
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    const document = JSON.parse(String(line));
    if (document._aws) printed.push(document);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** The values of `name` across the printed documents, with the namespace and dimensions. */
function emitted(name: string) {
  return printed.flatMap((document) => {
    const aws = document._aws as {
      CloudWatchMetrics: {
        Namespace: string;
        Dimensions: string[][];
        Metrics: { Name: string }[];
      }[];
    };
    return aws.CloudWatchMetrics.filter((d) => d.Metrics.some((m) => m.Name === name)).map(
      (directive) => ({
        namespace: directive.Namespace,
        dimensions: Object.fromEntries(
          (directive.Dimensions[0] ?? []).map((key) => [key, document[key]]),
        ),
        unit: directive.Metrics.find((m) => m.Name === name),
        value: document[name],
      }),
    );
  });
}

describe('ingest handler: the failed-records metric', () => {
  it('counts the batchItemFailures of an invocation, in the namespace and service the alarm watches', async () => {
    const failing = record(BODY.failing);
    const response = await handler()({
      Records: [record(BODY.ok), failing, record(BODY.ok)],
    });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }]);
    expect(emitted(METRICS.ingestFailedRecords)).toEqual([
      {
        namespace: METRICS.namespace,
        dimensions: { [METRICS.serviceDimension]: METRICS.services.ingest },
        unit: { Name: METRICS.ingestFailedRecords, Unit: 'Count' },
        value: 1,
      },
    ]);
  });

  it('emits 0 when every record succeeds, so the alarm has data', async () => {
    const response = await handler()({ Records: [record(BODY.ok), record(BODY.ok)] });

    expect(response.batchItemFailures).toEqual([]);
    expect(emitted(METRICS.ingestFailedRecords).map((m) => m.value)).toEqual([0]);
  });

  it('counts every record when the whole batch fails and the invocation throws', async () => {
    await expect(
      handler()({ Records: [record(BODY.failing), record(BODY.failing)] }),
    ).rejects.toThrow('All records failed');

    expect(emitted(METRICS.ingestFailedRecords).map((m) => m.value)).toEqual([2]);
  });
});

describe('ingest handler on Lambda: the invocation context', () => {
  const context = {
    functionName: 'feedpub-ingest',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:feedpub-ingest',
    memoryLimitInMB: '1024',
    awsRequestId: 'req-1234',
    getRemainingTimeInMillis: () => 30_000,
  } as unknown as Context;

  it('counts one ColdStart for the container, and none locally (no context)', async () => {
    // What the Lambda runtime sets in an on-demand execution environment.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const run = handler();
    await run({ Records: [record(BODY.ok)] });
    expect(emitted('ColdStart')).toEqual([]);
    await run({ Records: [record(BODY.ok)] }, context);
    await run({ Records: [record(BODY.ok)] }, context);
    expect(emitted('ColdStart')).toEqual([
      expect.objectContaining({ unit: { Name: 'ColdStart', Unit: 'Count' }, value: 1 }),
    ]);
  });

  it('puts the request id and the cold-start flag on every log line', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = new Logger({ serviceName: 'test', logLevel: 'INFO' });
    vi.spyOn(console, 'info').mockImplementation((line: unknown) => {
      lines.push(JSON.parse(String(line)));
    });
    const run = createIngestHandler(
      {
        store: new Proxy({}, { get: unused }),
        inbox: new Proxy({}, { get: unused }),
        siteUrl: 'https://news.example.com/',
        now: () => new Date(),
        deadLetters: { park: async () => {} },
      } as unknown as Parameters<typeof createIngestHandler>[0],
      {
        logger,
        metrics: new Metrics({
          namespace: METRICS.namespace,
          serviceName: METRICS.services.ingest,
        }),
      },
    );
    await run(
      { Records: [record(s3Created({ key: 'reports/x.json', sequencer: '01' }))] },
      context,
    );
    const ingested = lines.filter((line) => line.message === 'ingested');
    expect(ingested).not.toEqual([]);
    for (const line of ingested)
      expect(line).toMatchObject({
        function_request_id: 'req-1234',
        cold_start: expect.any(Boolean),
      });
  });
});

describe('the ingested log line', () => {
  it('keeps a story not public yet to its warnings’ count: they quote its text', async () => {
    const { deps, inbox } = memoryIngestDeps();
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(console, 'info').mockImplementation((line: unknown) => {
      lines.push(JSON.parse(String(line)));
    });
    const run = createIngestHandler(
      { ...deps, deadLetters: { park: async () => {} } } as unknown as IngestDeps & {
        deadLetters: { park: () => Promise<void> };
      },
      {
        logger: new Logger({ serviceName: 'test', logLevel: 'INFO' }),
        metrics: new Metrics({
          namespace: METRICS.namespace,
          serviceName: METRICS.services.ingest,
        }),
      },
    );
    const upload = (key: string, date: string, sequencer: string) => {
      const text = `---\ntitle: Acme buys Globex\ndate: ${date}\n---\n\n<font>Acme pays 4bn</font>\n`;
      return record(s3Created({ key, sequencer, versionId: inbox.put(key, text) }));
    };
    await run({ Records: [upload('articles/embargo.md', '2099-01-01T09:00:00Z', '01')] });
    await run({ Records: [upload('articles/public.md', '2026-01-01T09:00:00Z', '02')] });
    const ingested = lines.filter((line) => line.message === 'ingested');
    expect(ingested).toMatchObject([
      { outcome: 'scheduled', warningCount: 1 },
      { outcome: 'published', warningCount: 1, warnings: [expect.stringContaining('<font>')] },
    ]);
    expect(ingested[0]?.warnings).toBeUndefined();
    expect(JSON.stringify(ingested[0])).not.toContain('4bn');
  });
});
