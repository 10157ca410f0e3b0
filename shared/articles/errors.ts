/** Why an upload could not become an article; stable codes for reports and metrics. */
export type RejectionReason =
  | 'empty'
  | 'binary'
  | 'too-large'
  | 'unsupported-type'
  | 'bad-encoding'
  | 'bad-front-matter'
  | 'bad-json'
  | 'bad-markdown'
  | 'invalid-field'
  | 'no-title'
  | 'bad-id'
  | 'bad-key'
  | 'too-complex'
  /** A media upload whose bytes are not what its extension says. */
  | 'bad-media';

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

/** An upload whose id (its own `id`, or its path's) a file uploaded before it has. */
export function idTakenError(id: string, holderKey: string): ArticleRejectedError {
  return new ArticleRejectedError(
    'bad-id',
    `id "${id}" is already used by ${holderKey}: set another "id" in the file or rename it`,
  );
}
