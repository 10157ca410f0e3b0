import type { SiteConfig } from '../../../shared/config/site.ts';
import type { HubNotifier } from '../../../shared/ports/hub-notifier.ts';
import { HubRefusedError } from '../../../shared/stores/http-hub-notifier.ts';

/** Two WebSub hubs, and a site that names both: the WebSub unit tests' world. */
export const HUB_A = 'https://hub-a.example/';
export const HUB_B = 'https://hub-b.example/websub';
export const HUB_SITE: SiteConfig = {
  url: 'https://news.example.com/',
  title: 'Example News',
  description: 'Tests',
  language: 'en',
  itemLimit: 10,
  hubs: [HUB_A, HUB_B],
};

/**
 * A notifier that records each ping, and refuses a hub as many times as `failures` says (503);
 * `sleep` moves its clock instead of waiting, and records each pause.
 */
export function recordingHubs(failures: Record<string, number> = {}) {
  const calls: { hub: string; topics: readonly string[]; at: number }[] = [];
  const clock = { now: 0 };
  const notifier: HubNotifier = {
    async notify(hub, topics) {
      calls.push({ hub, topics, at: clock.now });
      if ((failures[hub] ?? 0) > 0) {
        failures[hub] = (failures[hub] ?? 0) - 1;
        throw new HubRefusedError(hub, 'answered HTTP 503');
      }
    },
  };
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.now += ms;
  };
  return { calls, clock, notifier, sleep, sleeps };
}
