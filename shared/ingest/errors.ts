/** An SQS message that is not an S3 event notification: parked in the DLQ at once, no retry. */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}
