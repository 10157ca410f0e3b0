import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { settingsEnvironment } from '../shared/config/settings.ts';
import {
  ANNOUNCE_EVENTS,
  INGEST_EVENTS,
  PUBLISH_EVENTS,
} from '../shared/contract/event-sources.ts';
import { INBOX_PREFIX } from '../shared/contract/inbox.ts';
import { type FeedFormat, feedPath, OPML_PATH } from '../shared/contract/site-layout.ts';
import { Alarms } from './alarms.ts';
import { Announcing } from './announcing.ts';
import type { FeedpubConfig } from './config.ts';
import { OperationsDashboard } from './dashboard.ts';
import { Ingestion } from './ingestion.ts';
import { Publishing } from './publishing.ts';
import { SiteDistribution } from './site-distribution.ts';

/** What the stateless stack needs from the stateful one, and the validated context. */
export interface FeedpubAppStackProps extends StackProps {
  readonly inbox: IBucket;
  readonly site: IBucket;
  readonly table: ITable;
  readonly config: FeedpubConfig;
}

/** The output the edge alarms stack reads the distribution's id from (Fn::GetStackOutput). */
export const DISTRIBUTION_ID_OUTPUT = 'DistributionId';

const FEED_OUTPUTS: ReadonlyArray<[id: string, format: FeedFormat]> = [
  ['RssFeedUrl', 'rss'],
  ['AtomFeedUrl', 'atom'],
  ['JsonFeedUrl', 'json'],
];

/**
 * The stateless half: queues, functions, event wiring, CDN and alarms. Safe to destroy and
 * redeploy; it holds no data.
 */
export class FeedpubAppStack extends Stack {
  public readonly ingestion: Ingestion;
  public readonly publishing: Publishing;
  public readonly announcing: Announcing;
  public readonly site: SiteDistribution;
  public readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: FeedpubAppStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.site = new SiteDistribution(this, 'Site', {
      site: props.site,
      domain: config.domain,
      hubs: config.hubs,
      redirects: config.redirects,
      siteUrl: config.siteUrl ?? (config.domain && `https://${config.domain.name}/`),
    });
    const siteUrl = config.siteUrl ?? this.site.url;
    const siteEnvironment = settingsEnvironment({
      url: siteUrl,
      title: config.feedTitle,
      description: config.feedDescription,
      language: config.feedLanguage,
      itemLimit: config.itemLimit,
      hubs: config.hubs,
      withdrawnDays: config.withdrawnDays,
      feedContent: config.feedContent,
      ...(config.siteIcon ? { icon: config.siteIcon } : {}),
    });

    this.ingestion = new Ingestion(this, 'Ingestion', {
      inbox: props.inbox,
      table: props.table,
      site: props.site,
      siteEnvironment,
    });
    this.announcing = new Announcing(this, 'Announcing', { siteEnvironment });
    this.publishing = new Publishing(this, 'Publishing', {
      site: props.site,
      table: props.table,
      siteEnvironment,
      hubNotices: this.announcing.queue,
    });

    this.alarms = new Alarms(this, 'Alarms', { email: config.alarmEmail });
    this.alarms.deadLetters('IngestDeadLetters', this.ingestion.deadLetterQueue);
    this.alarms.deadLetters('PublishDeadLetters', this.publishing.deadLetterQueue);
    this.alarms.deadLetters('HubNoticeDeadLetters', this.announcing.deadLetterQueue);
    this.alarms.errors('IngestErrors', this.ingestion.ingest);
    this.alarms.errors('PublishErrors', this.publishing.publish);
    this.alarms.errors('ReleaseErrors', this.publishing.release);
    this.alarms.errors('AnnounceErrors', this.announcing.announce);
    this.alarms.iteratorAge('PublishIteratorAge', this.publishing.publish);
    this.alarms.nearTimeout(
      'IngestNearTimeout',
      this.ingestion.ingest,
      INGEST_EVENTS.timeoutSeconds,
    );
    this.alarms.nearTimeout(
      'PublishNearTimeout',
      this.publishing.publish,
      PUBLISH_EVENTS.timeoutSeconds,
    );
    this.alarms.nearTimeout(
      'AnnounceNearTimeout',
      this.announcing.announce,
      ANNOUNCE_EVENTS.timeoutSeconds,
    );
    // Before the DLQ: handled failures, an ageing queue, throttles.
    this.alarms.ingestFailures('IngestFailedRecords');
    this.alarms.publishFailures('PublishFailedRecords');
    this.alarms.renderFailures('PublishRenderFailures');
    this.alarms.hubNotices('WebSubHubsRefusing', 'announce');
    this.alarms.hubNotices('WebSubNoticesUnqueued', 'publish');
    this.alarms.queueAge('InboxQueueAge', this.ingestion.queue);
    this.alarms.tableThrottles('TableThrottled', props.table);
    this.alarms.throttles('IngestThrottles', this.ingestion.ingest);
    this.alarms.throttles('PublishThrottles', this.publishing.publish);
    this.alarms.throttles('ReleaseThrottles', this.publishing.release);
    this.alarms.throttles('AnnounceThrottles', this.announcing.announce);
    const { dashboard } = new OperationsDashboard(this, 'Operations', {
      ingest: this.ingestion.ingest,
      publish: this.publishing.publish,
      release: this.publishing.release,
      announce: this.announcing.announce,
      inboxQueue: this.ingestion.queue,
      ingestDeadLetters: this.ingestion.deadLetterQueue,
      publishDeadLetters: this.publishing.deadLetterQueue,
      hubNoticeDeadLetters: this.announcing.deadLetterQueue,
      table: props.table,
      distribution: this.site.distribution,
    });

    const output = (outputId: string, value: string, description: string) =>
      new CfnOutput(this, outputId, { value, description });
    output('InboxBucketName', props.inbox.bucketName, 'Upload articles under articles/');
    output(
      'UploadCommand',
      `aws s3 cp article.md s3://${props.inbox.bucketName}/${INBOX_PREFIX.articles}`,
      'Publishes article.md (also .txt, .json); reports appear under reports/',
    );
    output('SiteUrl', siteUrl, 'The published site');
    for (const [outputId, format] of FEED_OUTPUTS) {
      output(
        outputId,
        `${siteUrl}${feedPath({ kind: 'all' }, format)}`,
        `Site-wide ${format} feed`,
      );
    }
    output('OpmlUrl', `${siteUrl}${OPML_PATH}`, 'Every feed, for one-click subscription');
    output(
      'DistributionDomainName',
      this.site.distribution.distributionDomainName,
      'Point a custom domain here (CNAME, or Route 53 alias)',
    );
    output(
      DISTRIBUTION_ID_OUTPUT,
      this.site.distribution.distributionId,
      'The CloudFront distribution (its metrics and the edge alarms are in us-east-1)',
    );
    output(
      'DashboardUrl',
      `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${dashboard.dashboardName}`,
      'Uploads, freshness, publish, dead letters and errors on one page',
    );
    // What the operator commands (feedpub status, reports, redrive, republish) find the stack by.
    output('TableName', props.table.tableName, 'The article table');
    output('SiteBucketName', props.site.bucketName, 'The published site files');
    output('IngestQueueUrl', this.ingestion.queue.queueUrl, 'Inbox events waiting for ingest');
    output(
      'IngestDeadLetterQueueUrl',
      this.ingestion.deadLetterQueue.queueUrl,
      'Inbox events ingest gave up on: feedpub redrive',
    );
    output(
      'PublishDeadLetterQueueUrl',
      this.publishing.deadLetterQueue.queueUrl,
      'Stream batches publish gave up on: feedpub redrive',
    );
    output(
      'HubNoticeDeadLetterQueueUrl',
      this.announcing.deadLetterQueue.queueUrl,
      'WebSub notices every hub refused: the feeds they name, for a look at the hubs',
    );
    output(
      'PublishFunctionName',
      this.publishing.publish.functionName,
      'Renders the site: feedpub republish invokes it',
    );
    output(
      'AlarmTopicArn',
      this.alarms.topic.topicArn,
      'Subscribe to be told about stuck articles',
    );
  }
}
