/**
 * The queue between publish and the WebSub hubs: publish sends a batch's changed feeds and
 * goes on; the notice reaches announce ANNOUNCE_EVENTS.delaySeconds later, once the edge
 * serves those feeds' new bytes. Rejects when the notice could not be queued.
 */
export interface HubNotices {
  send(topics: readonly string[]): Promise<void>;
}
