import { afterEach, describe, expect, it } from 'vitest';
import { ANNOUNCE_EVENTS } from '../../shared/contract/event-sources.ts';
import { noticeOf } from '../../shared/contract/hub-notice.ts';
import type { HubNotices } from '../../shared/ports/hub-notices.ts';

/** A notice as the announce side gets it: its message body, and how long it was held back. */
export interface HandedOver {
  body: string;
  heldMs: number;
}

export interface HubNoticesRig {
  notices: HubNotices;
  /** Resolves with the first `count` notices handed to announce, in the order sent. */
  handedOver(count: number): Promise<HandedOver[]>;
  close?(): void;
}

/**
 * What publish may rely on from any HubNotices adapter: every notice reaches announce as a
 * message of its own, naming its hub and topics, held back ANNOUNCE_EVENTS.delaySeconds (the edge's
 * lifetime of a feed, and a second) from when it was sent.
 */
export function hubNoticesContract(name: string, make: () => Promise<HubNoticesRig>) {
  describe(`HubNotices contract: ${name}`, () => {
    let rig: HubNoticesRig | undefined;
    afterEach(() => rig?.close?.());

    it('hands each notice to announce with its hub and topics, held back past the edge lifetime', async () => {
      rig = await make();
      const first = {
        hub: 'https://hub.example.net/',
        topics: [
          'https://news.example.com/rss.xml',
          'https://news.example.com/tags/a%20b/atom.xml',
        ],
      };
      const second = {
        hub: 'https://pubsub.example.org/hub',
        topics: ['https://news.example.com/feed.json'],
      };
      await rig.notices.send(first);
      await rig.notices.send(second);
      const handed = await rig.handedOver(2);
      expect(handed.map((h) => noticeOf(h.body))).toEqual([first, second]);
      for (const { heldMs } of handed)
        expect(heldMs).toBeGreaterThanOrEqual(ANNOUNCE_EVENTS.delaySeconds * 1000);
    });
  });
}
