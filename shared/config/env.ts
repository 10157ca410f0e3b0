import { ConfigError, SettingError } from './errors.ts';
import { parseSetting, readSettings, SITE_SETTINGS } from './settings.ts';
import type { SiteConfig } from './site.ts';

export { ConfigError } from './errors.ts';

type Env = Record<string, string | undefined>;

export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '')
    throw new ConfigError(`environment variable ${name} is required`);
  return value;
}

/** The site settings from the variables infra sets (settingsEnvironment); the URL is required. */
export function siteConfigFromEnv(env: Env): SiteConfig {
  try {
    const url = parseSetting('url', requireEnv(env, SITE_SETTINGS.url.env), 'env');
    return { ...readSettings('env', (name) => env[name], { url }), url };
  } catch (error) {
    throw error instanceof SettingError ? new ConfigError(error.message, { cause: error }) : error;
  }
}
