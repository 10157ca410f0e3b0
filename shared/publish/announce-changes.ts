import type { SiteConfig } from '../config/site.ts';
import { EDGE_SECONDS } from '../contract/edge.ts';
import { isFeedPath, siteUrlOf } from '../contract/site-layout.ts';
import type { HubNotifier } from '../ports/hub-notifier.ts';

export interface AnnounceDeps {
  notifier: HubNotifier;
  config: SiteConfig;
  /** Waits `ms` (tests pass a fake clock's). */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per hub (default 3), the first pause between them (default 500 ms, doubling). */
  attempts?: number;
  backoffMs?: number;
}

export interface Announcement {
  /** The feed URLs named in the notices: those whose bytes this batch changed. */
  topics: string[];
  /** Hubs that took the notice, and after how many attempts. */
  delivered: { hub: string; attempts: number }[];
  /** Hubs that refused every attempt: logged and counted, never a failed batch. */
  failed: { hub: string; error: unknown }[];
}

/**
 * The edge keeps a feed `EDGE_SECONDS.feed`; a notice goes out once every copy it held before
 * the batch's writes has expired (plus a second for rounding and a request on its way), so a
 * hub that fetches at once gets the new bytes.
 */
export const ANNOUNCE_DELAY_MS = (EDGE_SECONDS.feed + 1) * 1000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * After a publish batch: one notice per hub naming exactly the feeds whose bytes the batch
 * wrote (none when no feed changed, e.g. an identical re-upload), sent when the edge serves
 * them. A hub that refuses is asked again with backoff; one that never takes it is reported
 * in the result, not thrown: the batch is published whatever a hub does.
 */
export async function announceChanges(
  written: readonly string[],
  deps: AnnounceDeps,
): Promise<Announcement> {
  const hubs = deps.config.hubs ?? [];
  const topics = [...new Set(written.filter(isFeedPath))]
    .sort()
    .map((path) => siteUrlOf(deps.config.url, path));
  const announcement: Announcement = { topics, delivered: [], failed: [] };
  if (hubs.length === 0 || topics.length === 0) return announcement;
  const sleep = deps.sleep ?? realSleep;
  const attempts = deps.attempts ?? 3;
  await sleep(ANNOUNCE_DELAY_MS);
  await Promise.all(
    hubs.map(async (hub) => {
      for (let attempt = 1; ; attempt++) {
        try {
          await deps.notifier.notify(hub, topics);
          announcement.delivered.push({ hub, attempts: attempt });
          return;
        } catch (error) {
          if (attempt >= attempts) {
            announcement.failed.push({ hub, error });
            return;
          }
          await sleep((deps.backoffMs ?? 500) * 2 ** (attempt - 1));
        }
      }
    }),
  );
  return announcement;
}
