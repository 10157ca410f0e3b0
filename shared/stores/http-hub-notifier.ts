import type { HubNotifier } from '../ports/hub-notifier.ts';

/** A hub that answered anything but 2xx, or did not answer in time. */
export class HubRefusedError extends Error {
  constructor(hub: string, why: string) {
    super(`WebSub hub ${hub}: ${why}`);
    this.name = 'HubRefusedError';
  }
}

/**
 * Notifies a hub over HTTP: one form-encoded POST, `hub.mode=publish` and `hub.url` once per
 * topic (the form every public hub takes; some also read `hub.topic`, which is sent for a
 * single topic). Each request is given `timeoutMs` at most.
 */
export class HttpHubNotifier implements HubNotifier {
  private readonly timeoutMs: number;

  constructor({ timeoutMs = 5_000 }: { timeoutMs?: number } = {}) {
    this.timeoutMs = timeoutMs;
  }

  async notify(hub: string, topics: readonly string[]): Promise<void> {
    const body = new URLSearchParams([['hub.mode', 'publish']]);
    for (const topic of topics) body.append('hub.url', topic);
    if (topics.length === 1) body.append('hub.topic', topics[0] ?? '');
    let response: Response;
    try {
      response = await fetch(hub, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        // A redirect would turn the POST into a GET that "succeeds" without a notice.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new HubRefusedError(hub, `no answer (${(error as Error).message})`);
    }
    await response.body?.cancel();
    if (!response.ok) {
      const where = response.headers.get('location');
      throw new HubRefusedError(
        hub,
        `answered HTTP ${response.status}${where ? ` (to ${where}: name that URL as the hub)` : ''}`,
      );
    }
  }
}
