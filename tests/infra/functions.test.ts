import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../shared/contract/metrics.ts';
import { LOCAL_FUNCTIONS } from '../../shared/local/execution-environments.ts';
import {
  arnOf,
  asArray,
  functionId,
  logicalIdOf,
  objectsOf,
  type Statement,
  statementsOf,
  synthFeedpub,
  type Templates,
} from './synth-feedpub.ts';

let t: Templates;
beforeAll(() => {
  t = synthFeedpub();
});
afterAll(() => t?.feedpub.dispose());

const NAMES = ['ingest', 'publish', 'release', 'announce'] as const;
const props = (name: string) =>
  t.service.toJSON().Resources[functionId(t.service, name)].Properties;
const allows = (name: string) =>
  statementsOf(t.service, t.data, name).filter((s) => s.Effect === 'Allow');
const actionsOn = (statements: Statement[], resource: unknown) =>
  statements
    .filter((s) => asArray(s.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource)))
    .flatMap((s) => asArray(s.Action))
    .sort();
const mentions = (statements: Statement[], construct: Parameters<typeof arnOf>[0]) =>
  JSON.stringify(statements).includes(JSON.stringify(arnOf(construct)));
/**
 * Every resource of a bucket (the bucket or a key pattern) the statements name, with the
 * actions allowed on it, sorted: the whole of what a function may do there.
 */
const grantsOn = (statements: Statement[], bucket: Parameters<typeof arnOf>[0]) => {
  const arn = JSON.stringify(arnOf(bucket));
  const resources = new Map<string, unknown>();
  for (const s of statements)
    for (const r of asArray(s.Resource))
      if (JSON.stringify(r).includes(arn)) resources.set(JSON.stringify(r), r);
  return [...resources.keys()].sort().map((key) => ({
    resource: resources.get(key),
    actions: [...new Set(actionsOn(statements, resources.get(key)))],
  }));
};

it.each(Object.entries(LOCAL_FUNCTIONS))(
  '%s has the timeout and memory the local runtime invokes it with (one source)',
  (name, local) => {
    expect(props(name)).toMatchObject({
      Timeout: local.timeoutSeconds,
      MemorySize: local.memoryMb,
    });
  },
);

describe.each(NAMES)('%s function', (name) => {
  it('runs Node 22 on arm64 with X-Ray tracing', () => {
    expect(props(name)).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
    });
    expect(props(name).MemorySize).toBeGreaterThanOrEqual(512);
  });

  it('carries the Powertools settings (metric names from METRICS), source maps and the table name where it uses the table', () => {
    expect(props(name).Environment.Variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: METRICS.services[name],
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(props(name).Environment.Variables.TABLE_NAME === undefined).toBe(name === 'announce');
  });

  it('carries the site settings where it parses or renders, and only there', () => {
    const variables = props(name).Environment.Variables;
    if (name === 'release') {
      expect(variables.SITE_URL).toBeUndefined();
      return;
    }
    expect(variables).toMatchObject({
      SITE_URL: expect.anything(),
      SITE_TITLE: 'feedpub',
      SITE_DESCRIPTION: 'Articles published with feedpub',
      SITE_LANGUAGE: 'en',
      ITEM_LIMIT: '50',
      SITE_WEBSUB_HUBS: 'https://pubsubhubbub.appspot.com/',
    });
  });

  it('logs to its own log group, kept one month', () => {
    const logGroupId = props(name).LoggingConfig.LogGroup.Ref;
    expect(t.service.toJSON().Resources[logGroupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30 },
    });
  });

  it('has no wildcard actions on data, and no data action on Resource "*"', () => {
    expect(allows(name).length).toBeGreaterThan(0);
    for (const statement of allows(name)) {
      const actions = asArray(statement.Action);
      expect(actions.filter((a) => /^(s3|dynamodb):.*\*/.test(a) || a === '*')).toEqual([]);
      if (asArray(statement.Resource).includes('*')) {
        // Only actions that have no resource-level permissions at all.
        expect(actions.every((a) => a.startsWith('xray:') || a === 'dynamodb:ListStreams')).toBe(
          true,
        );
      }
    }
  });
});

describe('least privilege', () => {
  const data = () => t.feedpub.data;

  it('ingest reads articles/ (any version) and writes reports/, nothing else in the inbox', () => {
    expect(grantsOn(allows('ingest'), data().inbox)).toEqual([
      { resource: arnOf(data().inbox), actions: ['s3:ListBucket'] },
      {
        resource: objectsOf(data().inbox, 'articles/*'),
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
      },
      { resource: objectsOf(data().inbox, 'reports/*'), actions: ['s3:PutObject'] },
    ]);
    expect(props('ingest').Environment.Variables.INBOX_BUCKET).toEqual(expect.anything());
  });

  it('ingest may only put and delete media/* in the site bucket: no read, no list, no other key', () => {
    // CopyObject reads the inbox version (GetObject/GetObjectVersion on articles/*, above) and
    // writes the copy (PutObject); the old version goes with DeleteObject.
    expect(grantsOn(allows('ingest'), data().site)).toEqual([
      { resource: objectsOf(data().site, 'media/*'), actions: ['s3:DeleteObject', 's3:PutObject'] },
    ]);
    expect(props('ingest').Environment.Variables.SITE_BUCKET).toEqual(expect.anything());
  });

  it('ingest writes objects only under reports/ in the inbox and media/ in the site bucket', () => {
    const writes = allows('ingest').filter((s) =>
      asArray(s.Action).some((a) => /^s3:(Put|Delete|Copy|Restore|Abort)/.test(a)),
    );
    expect(writes.flatMap((s) => asArray(s.Resource))).toEqual(
      expect.arrayContaining([
        objectsOf(data().inbox, 'reports/*'),
        objectsOf(data().site, 'media/*'),
      ]),
    );
    expect(writes.flatMap((s) => asArray(s.Resource))).toHaveLength(2);
  });

  it('ingest reads and writes the table', () => {
    expect(actionsOn(allows('ingest'), arnOf(data().table))).toEqual(
      expect.arrayContaining([
        'dynamodb:ConditionCheckItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
      ]),
    );
  });

  it.each(['publish', 'release'])('%s cannot read or write the inbox', (name) => {
    expect(mentions(allows(name), data().inbox)).toBe(false);
    expect(props(name).Environment.Variables.INBOX_BUCKET).toBeUndefined();
  });

  it('publish gets, puts and deletes site objects', () => {
    expect(actionsOn(allows('publish'), objectsOf(data().site, '*'))).toEqual([
      's3:DeleteObject',
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(actionsOn(allows('publish'), arnOf(data().site))).toEqual(['s3:ListBucket']);
    expect(props('publish').Environment.Variables.SITE_BUCKET).toEqual(expect.anything());
  });

  it("publish can neither replace nor delete ingest's media/ files", () => {
    const denied = statementsOf(t.service, t.data, 'publish').filter((s) => s.Effect === 'Deny');
    expect(denied).toHaveLength(1);
    expect(actionsOn(denied, objectsOf(data().site, 'media/*'))).toEqual([
      's3:DeleteObject',
      's3:PutObject',
    ]);
  });

  it.each(['ingest', 'publish', 'release'])(
    '%s may neither Scan nor BatchWriteItem the table: nothing of ours sends them',
    (name) => {
      const table = actionsOn(allows(name), arnOf(data().table));
      expect(table).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(table).not.toContain('dynamodb:Scan');
      expect(table).not.toContain('dynamodb:BatchWriteItem');
      expect(table.filter((action) => action.endsWith('*'))).toEqual([]);
    },
  );

  it('announce touches no table, no bucket and no queue but its own: it only pings hubs', () => {
    const statements = allows('announce');
    for (const construct of [data().table, data().inbox, data().site])
      expect(mentions(statements, construct)).toBe(false);
    const queue = t.feedpub.service.announcing.queue;
    const sqs = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('sqs:')));
    expect(sqs.flatMap((s) => asArray(s.Resource))).toEqual([arnOf(queue)]);
    expect(sqs.flatMap((s) => asArray(s.Action)).sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
  });

  it('publish may send to the hub-notice queue and its stream DLQ, and to no other queue', () => {
    const notices = t.feedpub.service.announcing.queue;
    const dlq = t.feedpub.service.publishing.deadLetterQueue;
    const sqs = allows('publish').filter((s) =>
      asArray(s.Action).some((a) => a.startsWith('sqs:')),
    );
    expect(
      sqs
        .flatMap((s) => asArray(s.Resource))
        .map((r) => JSON.stringify(r))
        .sort(),
    ).toEqual([arnOf(notices), arnOf(dlq)].map((r) => JSON.stringify(r)).sort());
    for (const queue of [notices, dlq])
      expect(actionsOn(sqs, arnOf(queue))).toEqual([
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ]);
    expect(props('publish').Environment.Variables.HUB_NOTICE_QUEUE_URL).toEqual({
      Ref: logicalIdOf(notices),
    });
  });

  it('release never touches the site bucket: publish owns it', () => {
    expect(mentions(allows('release'), data().site)).toBe(false);
  });

  it('publish reads the table (and its stream) and writes only its ledger and feed metas; release may write it', () => {
    const writes = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/;
    const publishTable = actionsOn(allows('publish'), arnOf(data().table));
    expect(publishTable).toContain('dynamodb:Query');
    const writing = allows('publish').filter((s) =>
      [s.Action].flat().some((a: string) => writes.test(a)),
    );
    expect(writing).toHaveLength(1);
    expect([writing[0]?.Action].flat().sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(writing[0]?.Condition).toEqual({
      'ForAllValues:StringLike': {
        'dynamodb:LeadingKeys': ['RENDER#*', 'FEEDMETA', 'SITEMAP', 'ARCHIVE', 'SITE'],
      },
    });
    const stream = { 'Fn::GetAtt': [logicalIdOf(data().table), 'StreamArn'] };
    expect(actionsOn(allows('publish'), stream)).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
    ]);
    expect(actionsOn(allows('release'), arnOf(data().table))).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']),
    );
  });
});
