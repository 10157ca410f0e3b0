import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { siteConfigFromEnv } from '../../shared/config/env.ts';
import { createAnnounceHandler } from '../../shared/lambda/announce-handler.ts';
import { traced } from '../../shared/lambda/xray.ts';
import { HttpHubNotifier } from '../../shared/stores/http-hub-notifier.ts';

// Composition root: built once per container from validated configuration. No table, no
// bucket: the notices name the feeds, the settings name the hubs (SITE_WEBSUB_HUBS).
const { hubs = [] } = siteConfigFromEnv(process.env);

export const handler = traced(
  'announce',
  createAnnounceHandler(
    { notifier: new HttpHubNotifier(), hubs },
    { logger: new Logger(), metrics: new Metrics() },
  ),
);
