/**
 * A hub notice as it travels on the hub-notice queue (ANNOUNCE_EVENTS): publish writes it
 * (shared/stores/sqs-hub-notices.ts, or the local queue), announce reads it
 * (shared/lambda/announce-handler.ts). Plain data: no SDK types.
 */

/**
 * A notice on the queue, as publish sends it and announce reads it: one hub, and the feeds it
 * is to hear of. One notice per hub, so a hub that refuses fails (and is retried with) its own
 * notices only, and the hubs that took theirs hear of each change once.
 */
export interface HubNotice {
  /** Absent in notices queued before notices named their hub: every configured hub. */
  hub?: string;
  topics: string[];
}

/**
 * Feeds one notice, and one ping, names at most: a whole-site republish changes every feed, and
 * neither an SQS message (256 KB) nor a hub's request body is unbounded.
 */
export const NOTICE_TOPICS_MAX = 100;

/** `topics` in runs of at most NOTICE_TOPICS_MAX, in order. */
export function topicRuns(topics: readonly string[]): string[][] {
  const runs: string[][] = [];
  for (let i = 0; i < topics.length; i += NOTICE_TOPICS_MAX)
    runs.push(topics.slice(i, i + NOTICE_TOPICS_MAX));
  return runs;
}

/**
 * A queued message that is no notice: announce reports it failed, saying why, and SQS hands
 * it on to the dead letters once its receives are spent (no retry can mend it).
 */
export class MalformedNoticeError extends Error {
  constructor(why: string) {
    super(`hub notice: ${why}`);
    this.name = 'MalformedNoticeError';
  }
}

export function noticeBody(notice: HubNotice): string {
  return JSON.stringify({ hub: notice.hub, topics: [...notice.topics] } satisfies HubNotice);
}

const isHttpUrl = (value: unknown) =>
  typeof value === 'string' && URL.canParse(value) && /^https?:/.test(value);

/** A queued notice, checked; throws MalformedNoticeError, saying what is wrong. */
export function noticeOf(body: string): HubNotice {
  let notice: unknown;
  try {
    notice = JSON.parse(body);
  } catch {
    throw new MalformedNoticeError(`not JSON: ${body.slice(0, 80)}`);
  }
  const { hub, topics } = (notice ?? {}) as Partial<HubNotice>;
  if (!Array.isArray(topics) || topics.length === 0)
    throw new MalformedNoticeError('no "topics" list');
  for (const topic of topics)
    if (!isHttpUrl(topic))
      throw new MalformedNoticeError(`topic ${JSON.stringify(topic)} is not an http(s) URL`);
  if (hub === undefined) return { topics };
  if (!isHttpUrl(hub))
    throw new MalformedNoticeError(`hub ${JSON.stringify(hub)} is not an http(s) URL`);
  return { hub, topics };
}
