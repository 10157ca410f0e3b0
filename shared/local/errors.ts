/** Why the embedded AWS could not start; each message names the cause and the fix. */
export class LocalRuntimeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalRuntimeError';
  }
}

export class JavaMissingError extends LocalRuntimeError {
  constructor(options?: { cause?: unknown }) {
    super(
      'Java was not found: DynamoDB Local needs a Java 17+ runtime. Install one (Debian/Ubuntu: apt-get install -y default-jre-headless) and make sure `java` is on PATH.',
      options,
    );
    this.name = 'JavaMissingError';
  }
}

export class PortInUseError extends LocalRuntimeError {
  constructor(
    readonly port: number,
    what: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Port ${port} (${what}) is already in use on 127.0.0.1: stop whatever listens there, or choose another port.`,
      options,
    );
    this.name = 'PortInUseError';
  }
}

export class EmulatorStartError extends LocalRuntimeError {
  constructor(what: string, detail: string, options?: { cause?: unknown }) {
    super(`${what} failed to start: ${detail}`, options);
    this.name = 'EmulatorStartError';
  }
}
