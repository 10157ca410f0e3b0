import type { RejectionReason } from '../contract/inbox.ts';

export type { RejectionReason };

/**
 * An upload that cannot become an article. Not retryable: the same bytes fail the same
 * way. The message says what was wrong and where, for the editor reading the report.
 */
export class ArticleRejectedError extends Error {
  readonly reason: RejectionReason;

  constructor(reason: RejectionReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ArticleRejectedError';
    this.reason = reason;
  }
}

/**
 * An upload whose id (its own `id`, or its path's) a file uploaded before it has. A held copy
 * has its id too (it becomes that story, moved, when its original's file is deleted), though
 * it is published nowhere: `copyOf` names its original, so the editor sees which file to delete.
 */
export function idTakenError(id: string, holderKey: string, copyOf?: string): ArticleRejectedError {
  const holder =
    copyOf === undefined
      ? holderKey
      : `${holderKey} (held, published nowhere: a copy of ${copyOf}; deleting ${holderKey} frees the id)`;
  return new ArticleRejectedError(
    'bad-id',
    `id "${id}" is already used by ${holder}: set another "id" in the file or rename it`,
  );
}

/** Room left for keys and bookkeeping under DynamoDB's 400 KB item limit. */
export const MAX_STORED_ARTICLE_BYTES = 350_000;

/**
 * What a stored article holds besides what parsing makes of the file (its id, guid, key, dates,
 * hashes, media URLs): the parser refuses an article within this much of the limit, so that
 * `feedpub validate` refuses what an upload would be refused for.
 */
export const STORED_FIELDS_ALLOWANCE = 16_384;

/** The parsed article's limit: what leaves room for the stored fields. */
export const MAX_PARSED_ARTICLE_BYTES = MAX_STORED_ARTICLE_BYTES - STORED_FIELDS_ALLOWANCE;

/** An article over `limit` (as JSON, in UTF-8 bytes): stored, it would not fit an item. */
export function tooLargeToStore(bytes: number, limit: number): ArticleRejectedError {
  return new ArticleRejectedError(
    'too-large',
    `after conversion to HTML the article is ${Math.ceil(bytes / 1000)} KB; articles are limited to ${Math.floor(limit / 1000)} KB once converted (a DynamoDB item holds 400 KB): split it or shorten it`,
  );
}
