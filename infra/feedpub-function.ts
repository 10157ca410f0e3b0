import { join } from 'node:path';
import { AssetHashType, DockerImage, type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { ENV } from '../shared/contract/environment.ts';
import { INBOX_PREFIX } from '../shared/contract/inbox.ts';
import { MEDIA_SITE_PREFIX } from '../shared/contract/media.ts';
import { METRICS } from '../shared/contract/metrics.ts';
import { PUBLISH_WRITES_PARTITIONS } from '../shared/contract/table.ts';
import { functionBuildOptions } from './lambda-bundle.ts';
import { acknowledge, BASIC_EXECUTION_ROLE_FINDING, flattenCfnReference } from './nag.ts';

/** The Lambda functions under functions/<name>/handler.ts. */
export type FunctionName = 'ingest' | 'publish' | 'release' | 'announce';

export interface FeedpubFunctionProps {
  readonly name: FunctionName;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
  /** Set only where it protects the account; each caller says why (none by default). */
  readonly reservedConcurrentExecutions?: number;
  /** Variables beyond the Powertools ones, such as the site settings (settingsEnvironment). */
  readonly environment: Record<string, string>;
}

const PROJECT_ROOT = join(import.meta.dirname, '..');

/** What the adapters in shared/stores send the table (strongly consistent reads included). */
const TABLE_READS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
const TABLE_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** Where CDK finds a handler: by this file's location, never the working directory. */
export function entryOf(name: FunctionName): string {
  return join(PROJECT_ROOT, 'functions', name, 'handler.ts');
}

/**
 * The function's code: esbuild run here at synth (infra/lambda-bundle.ts, with source maps),
 * the asset named by its output's hash. Not NodejsFunction's bundling, which writes one file:
 * ingest's parser goes into a chunk of its own that only its parse workers load.
 */
function bundledCode(name: FunctionName): Code {
  return Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never run: local bundling always works (esbuild is a dependency of the project). The
      // command also keys CDK's cache of bundled assets, which would otherwise hand every
      // function the first one's bundle.
      image: DockerImage.fromRegistry('dummy'),
      command: ['esbuild', entryOf(name)],
      local: {
        tryBundle(outputDir) {
          buildSync({
            ...functionBuildOptions(entryOf(name), outputDir),
            sourcemap: true,
            logLevel: 'error',
          });
          return true;
        },
      },
    },
  });
}

/**
 * The house Lambda: Node 22 on arm64, minified ESM bundle with source maps and the AWS SDK
 * left to the runtime (infra/lambda-bundle.ts), X-Ray tracing, a log group kept for a month,
 * Powertools settings.
 */
export class FeedpubFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: FeedpubFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      code: bundledCode(props.name),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        // The alarms on custom metrics name the same service and namespace (infra/alarms.ts).
        POWERTOOLS_SERVICE_NAME: METRICS.services[props.name],
        POWERTOOLS_LOG_LEVEL: 'INFO',
        POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });

    acknowledge(
      this,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: the bundle targets node22, the same handlers run locally on Node 20+, and Lambda supports nodejs22.x into 2027.',
    );
    acknowledge(
      this,
      BASIC_EXECUTION_ROLE_FINDING,
      'AWSLambdaBasicExecutionRole grants only CreateLogGroup/CreateLogStream/PutLogEvents, which every function needs for its own log group.',
    );
    acknowledge(
      this,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) support no resource-level permissions; nor does dynamodb:ListStreams, which CDK gives a stream consumer.',
    );
  }

  /** Reads uploaded articles, any version (S3 events name the version they are about). */
  readsInbox(inbox: IBucket): this {
    this.allowObjects(inbox, `${INBOX_PREFIX.articles}*`, ['s3:GetObject', 's3:GetObjectVersion']);
    this.addEnvironment(ENV.inboxBucket, inbox.bucketName);
    return this;
  }

  /** Writes rejection reports, and nothing else, into the inbox. */
  writesReports(inbox: IBucket): this {
    this.allowObjects(inbox, `${INBOX_PREFIX.reports}*`, ['s3:PutObject']);
    return this;
  }

  /** Reads (HEAD for content hashes), writes and deletes site objects. */
  publishesSite(site: IBucket): this {
    this.allowObjects(site, '*', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']);
    // Everything but media/: ingest copies media there and readers' caches keep it a year, so
    // a publish fault must not be able to replace or delete it (S3 has no "all keys but").
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [site.arnForObjects(`${MEDIA_SITE_PREFIX}*`)],
      }),
    );
    this.addEnvironment(ENV.siteBucket, site.bucketName);
    return this;
  }

  /**
   * Copies media uploads into the site bucket's `media/` folder and deletes them there, and
   * nothing more: no read, no list, no other key (CopyObject needs GetObject/GetObjectVersion on
   * the source, which readsInbox gives, and PutObject here; tags are not copied, see
   * shared/stores/site-media.ts).
   */
  publishesMedia(site: IBucket): this {
    this.allowObjects(site, `${MEDIA_SITE_PREFIX}*`, ['s3:PutObject', 's3:DeleteObject']);
    this.addEnvironment(ENV.siteBucket, site.bucketName);
    return this;
  }

  /** Sends a message no retry can mend straight to the dead-letter queue. */
  parksIn(deadLetters: IQueue): this {
    deadLetters.grantSendMessages(this);
    this.addEnvironment(ENV.ingestDeadLetterQueue, deadLetters.queueUrl);
    return this;
  }

  /** Sends each batch's WebSub notice to the hub-notice queue (delivered to announce). */
  queuesHubNotices(notices: IQueue): this {
    notices.grantSendMessages(this);
    this.addEnvironment(ENV.hubNoticeQueue, notices.queueUrl);
    return this;
  }

  /** Item and partition reads only: no Scan (grantReadData's), which nothing of ours sends. */
  readsTable(table: ITable): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...TABLE_READS], resources: [table.tableArn] }),
    );
    this.addEnvironment(ENV.tableName, table.tableName);
    return this;
  }

  /**
   * Reads the table and writes only publish's own items (`dynamodb:LeadingKeys`,
   * PUBLISH_WRITES_PARTITIONS), never an article, an entry or a source record.
   */
  keepsRenderLedger(table: ITable): this {
    this.readsTable(table);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': [...PUBLISH_WRITES_PARTITIONS],
          },
        },
      }),
    );
    return this;
  }

  /**
   * Reads, and the item writes one transaction is made of (TransactWriteItems is authorized
   * per item action): no Scan and no BatchWriteItem, which grantReadWriteData would add.
   */
  writesTable(table: ITable): this {
    this.readsTable(table);
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...TABLE_WRITES], resources: [table.tableArn] }),
    );
    return this;
  }

  /**
   * Exact object actions on one key pattern; readers also get ListBucket, so that a missing
   * key reads as 404 NoSuchKey rather than 403 (which a handler would retry). Narrower than
   * grantRead / grantPut, which add GetObjectAcl, GetBucket*, List*, Abort* and tagging.
   */
  private allowObjects(bucket: IBucket, keyPattern: string, actions: string[]): void {
    const objects = bucket.arnForObjects(keyPattern);
    this.addToRolePolicy(new PolicyStatement({ actions, resources: [objects] }));
    if (actions.includes('s3:GetObject')) {
      this.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
      );
    }
    acknowledge(
      this,
      `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(objects))}]`,
      `Object-level actions (${actions.join(', ')}) need a key pattern; this one is ${keyPattern} in one bucket.`,
    );
  }
}
