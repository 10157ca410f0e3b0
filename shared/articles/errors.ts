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
