import { INBOX_PREFIX } from '../contract/inbox.ts';
import { FEED_FORMATS, feedPath, OPML_PATH, siteUrlOf } from '../contract/site-layout.ts';
import { FORMAT_LABEL } from '../feeds/page-shell.ts';
import type { EmbeddedAws } from '../local/embedded-aws.ts';

/** What `feedpub dev` prints once everything is up: where things are and how to use them. */

export interface BannerInput {
  serverUrl: string;
  siteUrl: string;
  inbox: string;
  dataDir: string;
  aws: Pick<EmbeddedAws, 'endpoints' | 'names'>;
  /** The site's redirect rules for old addresses (SiteConfig.redirects), shown when set. */
  redirects?: readonly string[];
}

/** A line to paste into a shell; s3rver only accepts the S3RVER/S3RVER credentials. */
export function awsCliLine(s3Endpoint: string, inboxBucket: string): string {
  return [
    'AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REQUEST_CHECKSUM_CALCULATION=when_required',
    `aws s3 cp FILE s3://${inboxBucket}/${INBOX_PREFIX.articles}`,
    `--endpoint-url ${s3Endpoint} --region us-east-1`,
  ].join(' ');
}

export function banner({
  serverUrl,
  siteUrl,
  inbox,
  dataDir,
  aws,
  redirects = [],
}: BannerInput): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(10)}  ${value}`;
  const inboxTarget = `s3://${aws.names.inboxBucket}/${INBOX_PREFIX.articles}`;
  return [
    '',
    'feedpub dev: the whole pipeline is running on this machine',
    '',
    row('Site', serverUrl),
    ...(siteUrl === serverUrl ? [] : [row('', `(links in feeds and pages use ${siteUrl})`)]),
    row('Inbox', `${inbox}  (mirrored to ${inboxTarget})`),
    row('Data', dataDir),
    ...redirects.map((rule, i) => row(i === 0 ? 'Redirects' : '', rule.replace(' ', '  →  '))),
    row('S3', `${aws.endpoints.s3}  (s3rver; credentials S3RVER / S3RVER)`),
    row('DynamoDB', `${aws.endpoints.dynamodb}  (DynamoDB Local; table ${aws.names.table})`),
    '',
    'Subscribe:',
    ...FEED_FORMATS.map((f) =>
      row(FORMAT_LABEL[f], siteUrlOf(serverUrl, feedPath({ kind: 'all' }, f))),
    ),
    row('OPML', `${siteUrlOf(serverUrl, OPML_PATH)}  (every feed: site, tags, authors)`),
    '',
    `Publish: drop .txt, .md or .json files into ${inbox}, or upload with any S3 client:`,
    `  ${awsCliLine(aws.endpoints.s3, aws.names.inboxBucket)}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
}
