import { topicRuns } from '../contract/hub-notice.ts';
import { isFeedPath, siteUrlOf } from '../contract/site-layout.ts';
import type { HubNotifier } from '../ports/hub-notifier.ts';

/**
 * WebSub in two steps. Publish, after a batch, queues a notice per hub naming the feeds whose
 * bytes it wrote (`changedFeedTopics`, through the HubNotices port) and goes on; the queue
 * delivers each once the edge serves those bytes (ANNOUNCE_EVENTS.delaySeconds). Announce then
 * pings each hub (`notifyHubs`), the feeds of all its notices in the invocation merged.
 */

/** The feed URLs among a batch's written paths, once each, sorted: what its notices name. */
export function changedFeedTopics(written: readonly string[], siteUrl: string): string[] {
  return [...new Set(written.filter(isFeedPath))].sort().map((path) => siteUrlOf(siteUrl, path));
}

export interface NotifyDeps {
  notifier: HubNotifier;
  hubs: readonly string[];
  /** Waits `ms` between attempts (tests pass a fake clock's). */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per hub (default 3), the first pause between them (default 500 ms, doubling). */
  attempts?: number;
  backoffMs?: number;
}

export interface Announcement {
  /** The feed URLs named in the pings. */
  topics: string[];
  /** Hubs that took the ping, and after how many attempts. */
  delivered: { hub: string; attempts: number }[];
  /** Hubs that refused every attempt. */
  failed: { hub: string; error: unknown }[];
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One ping per hub naming `topics` (one per NOTICE_TOPICS_MAX of them); a hub that refuses is
 * asked again with backoff, and one that never takes a ping is reported in the result, not
 * thrown (announce retries its notices later). `attempts` in the result: pings sent, retries
 * included.
 */
export async function notifyHubs(
  topics: readonly string[],
  deps: NotifyDeps,
): Promise<Announcement> {
  const announcement: Announcement = { topics: [...topics], delivered: [], failed: [] };
  if (topics.length === 0) return announcement;
  const sleep = deps.sleep ?? realSleep;
  const attempts = deps.attempts ?? 3;
  await Promise.all(
    deps.hubs.map(async (hub) => {
      let tries = 0;
      for (const run of topicRuns(topics)) {
        for (let attempt = 1; ; attempt++) {
          tries += 1;
          try {
            await deps.notifier.notify(hub, run);
            break;
          } catch (error) {
            if (attempt >= attempts) {
              announcement.failed.push({ hub, error });
              return;
            }
            await sleep((deps.backoffMs ?? 500) * 2 ** (attempt - 1));
          }
        }
      }
      announcement.delivered.push({ hub, attempts: tries });
    }),
  );
  return announcement;
}
