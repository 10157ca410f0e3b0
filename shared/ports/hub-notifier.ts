/**
 * A WebSub hub, as a publisher tells it that topics changed (W3C WebSub §7: `hub.mode=publish`
 * and the topic URLs). Rejects when the hub did not take the notice (a non-2xx answer or no
 * answer), with the reason.
 */
export interface HubNotifier {
  notify(hub: string, topics: readonly string[]): Promise<void>;
}
