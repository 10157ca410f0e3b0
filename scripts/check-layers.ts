/**
 * The layer rule of README "Architecture", checked on every import: `npm run check` fails when a
 * module imports a folder its layer may not see, or when the domain or a use case imports an
 * AWS SDK or Lambda package. Run: `tsx scripts/check-layers.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What each layer may import besides itself. */
const DOMAIN = [
  ...['shared/contract', 'shared/concurrency', 'shared/collections'],
  ...['shared/config', 'shared/articles'],
];
const USE_CASE = [...DOMAIN, 'shared/feeds', 'shared/ports'];
/** What the local runtime and the CLI may both import: everything the Lambdas run, and parsing. */
const LOCAL_RUNTIME = [
  ...USE_CASE,
  ...['shared/parsing', 'shared/ingest', 'shared/publish', 'shared/release'],
  ...['shared/stores', 'shared/lambda'],
];
const ALLOWED: Record<string, readonly string[]> = {
  'shared/contract': [],
  'shared/concurrency': [],
  'shared/collections': [],
  'shared/config': ['shared/contract'],
  'shared/articles': ['shared/contract', 'shared/config'],
  'shared/feeds': DOMAIN,
  'shared/ports': ['shared/contract', 'shared/articles'],
  'shared/ingest': USE_CASE,
  'shared/publish': USE_CASE,
  'shared/release': USE_CASE,
  'shared/stores': ['shared/contract', 'shared/concurrency', 'shared/articles', 'shared/ports'],
  'shared/parsing': [
    ...['shared/contract', 'shared/concurrency', 'shared/config', 'shared/articles'],
    'shared/ports',
  ],
  'shared/lambda': [
    ...USE_CASE,
    'shared/ingest',
    'shared/publish',
    'shared/release',
    'shared/stores',
  ],
  'shared/local': LOCAL_RUNTIME,
  'shared/cli': [...LOCAL_RUNTIME, 'shared/local'],
  functions: [...USE_CASE, 'shared/release', 'shared/stores', 'shared/lambda', 'shared/parsing'],
  infra: ['shared/contract', 'shared/config'],
};
/** Layers that must stay free of AWS SDK, Lambda, Powertools and CDK packages. */
const NO_AWS = [
  ...['shared/contract', 'shared/concurrency', 'shared/collections', 'shared/config'],
  ...['shared/articles', 'shared/feeds'],
  ...['shared/ports', 'shared/ingest', 'shared/publish', 'shared/release'],
];
const AWS_PACKAGE = /^(@aws-sdk\/|@aws-lambda-powertools\/|aws-lambda$|aws-cdk-lib|constructs$)/;

const layerOf = (file: string) =>
  Object.keys(ALLOWED)
    .filter((layer) => file === layer || file.startsWith(`${layer}/`))
    .sort((a, b) => b.length - a.length)[0];

function* sources(root: string, dir: string): Generator<string> {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) yield* sources(root, path);
    else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import under `root` that breaks the layer rule, as `file: what` lines. */
export function layerProblems(root: string): string[] {
  const problems: string[] = [];
  for (const top of ['shared', 'functions', 'infra']) {
    for (const file of sources(root, top)) {
      const layer = layerOf(file);
      if (!layer) {
        problems.push(`${file}: in no layer; add its folder to scripts/check-layers.ts`);
        continue;
      }
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? '';
        if (!specifier.startsWith('.')) {
          if (NO_AWS.includes(layer) && AWS_PACKAGE.test(specifier))
            problems.push(`${file}: ${layer} may not import ${specifier} (an AWS package)`);
          continue;
        }
        const target = relative(root, normalize(join(root, dirname(file), specifier)));
        const targetLayer = layerOf(target);
        if (targetLayer === layer) continue;
        if (!targetLayer || !ALLOWED[layer]?.includes(targetLayer))
          problems.push(`${file}: ${layer} may not import ${target}`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = layerProblems(join(dirname(fileURLToPath(import.meta.url)), '..'));
  if (problems.length > 0) {
    console.error(`Layer rule broken (README "Architecture"):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('layers: every import follows the layer rule');
}
