import type { HubNotice } from '../contract/hub-notice.ts';

/**
 * The queue between publish and the WebSub hubs: publish sends a batch's changed feeds, a
 * notice per hub, and goes on; each reaches announce ANNOUNCE_EVENTS.delaySeconds later, once
 * the edge serves those feeds' new bytes. Rejects when the notice could not be queued.
 */
export interface HubNotices {
  send(notice: HubNotice): Promise<void>;
}
