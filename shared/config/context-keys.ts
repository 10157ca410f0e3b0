import { nearestName } from './nearest-name.ts';
import { SETTING_NAMES, SITE_SETTINGS } from './settings.ts';

/**
 * The CDK context keys feedpub reads (`cdk.json`'s `context`, `-c key=value`): the site's
 * settings and the stacks' own, one list for the CDK app (infra/config.ts) and the CLI, which
 * read the same file, so a misspelled key stops both, naming what was meant.
 */

/** Settings only the stacks use; the site settings are declared in settings.ts. */
export const INFRA_CONTEXT_KEYS = [
  'domainName',
  'certificateArn',
  'alarmEmail',
  'tableWarmReads',
  'tableWarmWrites',
] as const;

/** Every context key the app reads (the README's configuration table lists them). */
export const CONTEXT_KEYS: readonly string[] = [
  ...SETTING_NAMES.map((name) => SITE_SETTINGS[name].context),
  ...INFRA_CONTEXT_KEYS,
];

/** Keys the CDK CLI writes into the context itself (`cdk acknowledge`, `cdk cli-telemetry`). */
const CDK_CLI_KEYS = ['acknowledged-issue-numbers', 'cli-telemetry'];

/**
 * Why the first context key that is none of ours is refused (`tableWarmWrite`, `itemlimit`):
 * it would be ignored and its setting left at the default, silently. CDK's own keys and
 * feature flags (`@aws-cdk/…`, `aws:cdk:…`, lookups with `:`) are not ours to judge.
 */
export function unknownContextKey(keys: readonly string[]): string | undefined {
  const known = new Set([...CONTEXT_KEYS, ...CDK_CLI_KEYS]);
  const first = keys.find((key) => !key.startsWith('@') && !key.includes(':') && !known.has(key));
  if (first === undefined) return undefined;
  const near = nearestName(first, CONTEXT_KEYS);
  return `"${first}" is not a feedpub setting${near ? `: did you mean ${near}?` : ''} (the settings: ${CONTEXT_KEYS.join(', ')})`;
}
