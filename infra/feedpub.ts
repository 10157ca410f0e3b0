import type { App } from 'aws-cdk-lib';
import { APP_STACK_ID, DATA_STACK_ID } from '../shared/contract/stacks.ts';
import { FeedpubAppStack } from './app-stack.ts';
import { readConfig } from './config.ts';
import { FeedpubDataStack } from './data-stack.ts';

export { APP_STACK_ID, DATA_STACK_ID } from '../shared/contract/stacks.ts';

export interface Feedpub {
  readonly data: FeedpubDataStack;
  readonly service: FeedpubAppStack;
}

/**
 * The whole publisher: the stateful stack and the stateless one wired to it. Environment
 * agnostic (no account, no region, no lookups), so it synthesizes offline.
 */
export function composeFeedpub(app: App): Feedpub {
  const config = readConfig(app.node);
  const description = 'feedpub: serverless news-feed publisher';
  const data = new FeedpubDataStack(app, DATA_STACK_ID, {
    description: `${description} (data: buckets and table, retained)`,
    tableWarmThroughput: config.tableWarmThroughput,
  });
  const service = new FeedpubAppStack(app, APP_STACK_ID, {
    description: `${description} (functions, queues, CDN, alarms)`,
    inbox: data.inbox,
    site: data.site,
    table: data.table,
    config,
  });
  return { data, service };
}
