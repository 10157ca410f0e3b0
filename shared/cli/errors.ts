/**
 * Bad input to the command line: the message names what was wrong and how to fix it, and is
 * printed as one line without a stack trace.
 */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}
