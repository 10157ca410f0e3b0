/** The table moved on since it was read: re-read and plan again. */
export class StaleWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StaleWriteError';
  }
}

/** A write the store cannot express (too many items for one transaction). */
export class WriteTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WriteTooLargeError';
  }
}
