import { ANNOUNCE_EVENTS } from '../contract/event-sources.ts';
import { type HubNotice, noticeBody } from '../contract/hub-notice.ts';
import { type AnnounceObservability, createAnnounceHandler } from '../lambda/announce-handler.ts';
import type { HubNotices } from '../ports/hub-notices.ts';
import type { HubNotifier } from '../ports/hub-notifier.ts';
import {
  type EnvironmentOptions,
  executionEnvironments,
  LOCAL_FUNCTIONS,
} from './execution-environments.ts';
import { LocalQueue, type QueueHandler } from './local-queue.ts';

/**
 * The hub-notice queue and its announce mapping, in process, with the deployed settings
 * (ANNOUNCE_EVENTS): the real announce handler receives the notices; one it reports failed
 * comes back (after LOCAL_RETRY_DELAY_MS, not the visibility timeout) until `maxReceives`, then
 * goes to the queue's `deadLetters`. `handler` replaces announce (tests of the adapter).
 */
export function hubNoticeQueue(
  options:
    | ({
        notifier: HubNotifier;
        hubs: readonly string[];
        observability: AnnounceObservability;
      } & EnvironmentOptions)
    | { handler: QueueHandler },
): LocalQueue {
  return new LocalQueue({
    name: 'feedpub-local-hub-notices',
    handler:
      'handler' in options
        ? options.handler
        : executionEnvironments(
            () =>
              createAnnounceHandler(
                { notifier: options.notifier, hubs: options.hubs },
                options.observability,
              ),
            LOCAL_FUNCTIONS.announce,
            options,
          ),
    events: ANNOUNCE_EVENTS,
    maxReceiveCount: ANNOUNCE_EVENTS.maxReceives,
  });
}

/** Publish's notices onto that queue, each held `delaySeconds` as SQS's DelaySeconds holds it. */
export class LocalHubNotices implements HubNotices {
  readonly queue: LocalQueue;

  constructor(queue: LocalQueue) {
    this.queue = queue;
  }

  async send(notice: HubNotice): Promise<void> {
    this.queue.send(noticeBody(notice), { delaySeconds: ANNOUNCE_EVENTS.delaySeconds });
  }
}
