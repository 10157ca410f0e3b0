/** The object (or that version of it) does not exist. A missing bucket is not this: it is a fault. */
export function isS3NotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (e.name === 'NoSuchKey' || e.name === 'NoSuchVersion' || e.name === 'NotFound') return true;
  // A HEAD's error has no body to name it: only its status says "not found".
  return e.name !== 'NoSuchBucket' && e.$metadata?.httpStatusCode === 404;
}

/**
 * A conditional request's precondition did not hold (412; or 409 ConditionalRequestConflict,
 * which S3 returns when a concurrent request on the key decided first): read again and decide.
 */
export function isS3PreconditionFailed(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (e.name === 'PreconditionFailed' || e.name === 'ConditionalRequestConflict') return true;
  return e.$metadata?.httpStatusCode === 412;
}
