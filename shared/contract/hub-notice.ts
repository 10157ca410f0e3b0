/**
 * A hub notice as it travels on the hub-notice queue (ANNOUNCE_EVENTS): publish writes it
 * (shared/stores/sqs-hub-notices.ts, or the local queue), announce reads it
 * (shared/lambda/announce-handler.ts). Plain data: no SDK types.
 */

/** A notice on the queue, as publish sends it and announce reads it. */
export interface HubNotice {
  topics: string[];
}

/** A queued notice that is not one: announce drops it (no retry can mend it), logged. */
export class MalformedNoticeError extends Error {
  constructor(why: string) {
    super(`hub notice: ${why}`);
    this.name = 'MalformedNoticeError';
  }
}

export function noticeBody(topics: readonly string[]): string {
  return JSON.stringify({ topics: [...topics] } satisfies HubNotice);
}

/** The topics of a queued notice; throws MalformedNoticeError, saying what is wrong. */
export function topicsOfNotice(body: string): string[] {
  let notice: unknown;
  try {
    notice = JSON.parse(body);
  } catch {
    throw new MalformedNoticeError(`not JSON: ${body.slice(0, 80)}`);
  }
  const topics = (notice as Partial<HubNotice> | null)?.topics;
  if (!Array.isArray(topics) || topics.length === 0)
    throw new MalformedNoticeError('no "topics" list');
  for (const topic of topics)
    if (typeof topic !== 'string' || !URL.canParse(topic) || !/^https?:/.test(topic))
      throw new MalformedNoticeError(`topic ${JSON.stringify(topic)} is not an http(s) URL`);
  return topics;
}
