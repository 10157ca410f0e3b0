/**
 * A setting's value is not valid. The message names the setting as it was set (context key,
 * environment variable or flag); each reader translates it into its own error.
 */
export class SettingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SettingError';
  }
}

/** Configuration problems stop a function at cold start, never halfway through an event. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
