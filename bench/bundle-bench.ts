import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { functionBuildOptions } from '../infra/lambda-bundle.ts';
import { atMost, type Results } from './results.ts';
import { median, round } from './stats.ts';

/**
 * Each Lambda bundled as CDK bundles it in infra/feedpub-function.ts, from
 * infra/lambda-bundle.ts (minified ESM for node22, `@aws-sdk/*` left to the runtime, the
 * createRequire banner, the aliases, what is only imported dynamically in chunks of its own;
 * no source map), then imported cold in a fresh Node process. The bundles live inside the
 * project so `@aws-sdk/*` resolves from its node_modules, as it resolves from the runtime's on
 * Lambda. A bundle's size is what a cold start loads: `index.mjs` and the chunks it imports
 * statically (ingest's parser chunk loads in its parse workers, at the first upload).
 */

const FUNCTIONS = ['ingest', 'publish', 'release', 'announce'] as const;
const ROOT = join(import.meta.dirname, '..');
const OUT = join(import.meta.dirname, '.tmp', 'bundles');
const HANDLER_ENV = {
  TABLE_NAME: 'bench-table',
  INBOX_BUCKET: 'bench-inbox',
  SITE_BUCKET: 'bench-site',
  SITE_URL: 'https://example.com/',
  INGEST_DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench-dlq',
  HUB_NOTICE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench-notices',
  AWS_REGION: 'us-east-1',
};

async function bundle(name: string): Promise<{ file: string; metafile: Metafile }> {
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const { metafile } = await build({
    ...functionBuildOptions(join(ROOT, 'functions', name, 'handler.ts'), dir),
    metafile: true,
    logLevel: 'silent',
  });
  return { file: join(dir, 'index.mjs'), metafile };
}

/** The output files a cold start loads (the entry and its static imports), and the rest. */
function coldStartOutputs(metafile: Metafile): { cold: string[]; lazy: string[] } {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined);
  const cold = entry ? [entry] : [];
  for (const path of cold)
    for (const imported of outputs[path]?.imports ?? [])
      if (
        imported.kind === 'import-statement' &&
        imported.path in outputs &&
        !cold.includes(imported.path)
      )
        cold.push(imported.path);
  return { cold, lazy: Object.keys(outputs).filter((path) => !cold.includes(path)) };
}

/** Bytes in the bundle per npm package (or `project` for our own code), largest first. */
export function bytesByPackage(metafile: Metafile): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const owner = match?.[1] ?? 'project';
      totals.set(owner, (totals.get(owner) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** ms to import the bundle, measured inside a fresh node process. */
function coldImport(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...HANDLER_ENV,
    },
    encoding: 'utf8',
  });
  const ms = Number(child.stdout.trim().split('\n').at(-1));
  if (child.status !== 0 || !Number.isFinite(ms))
    throw new Error(`cold import of ${file} failed: ${child.stderr || child.stdout}`);
  return ms;
}

/** The SDK clients the handlers construct, alone: the floor under every init_ms. */
function sdkOnlyModule(): string {
  const dir = join(OUT, 'sdk-only');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const file = join(dir, 'index.mjs');
  writeFileSync(
    file,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { S3Client } from '@aws-sdk/client-s3';\nnew DynamoDBClient({});\nnew S3Client({});\n",
  );
  return file;
}

/** Issue 19: each bundle at most 200 KB, each init at most 30 ms above the SDK clients' own. */
const BUNDLE_KB_GOAL = 200;
const INIT_OVER_SDK_GOAL_MS = 30;

export async function bundleBench(results: Results, runs = 15): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  const modules = [{ name: 'sdk_only', file: sdkOnlyModule() }];
  for (const name of FUNCTIONS) {
    const { file, metafile } = await bundle(name);
    const top = bytesByPackage(metafile)
      .slice(0, 5)
      .map(([owner, bytes]) => `${owner} ${round(bytes / 1024, 1)} KB`)
      .join(', ');
    const { cold, lazy } = coldStartOutputs(metafile);
    const kb = (paths: string[]) =>
      round(paths.reduce((sum, path) => sum + (metafile.outputs[path]?.bytes ?? 0), 0) / 1024, 1);
    const later =
      lazy.length > 0
        ? `; ${kb(lazy)} KB more in chunks loaded later (ingest's parser, in its parse workers)`
        : '';
    results.add(`bundle_kb_${name}`, {
      value: kb(cold),
      unit: 'KB',
      goal: atMost(BUNDLE_KB_GOAL),
      note: `minified, no source map, what a cold start loads (${cold.length} file(s))${later}; largest of all: ${top}`,
    });
    modules.push({ name, file });
  }
  // A first, uncounted round fills the file cache; then each round imports every module once,
  // so a busy spell of the machine weighs on all of them alike.
  const times = modules.map(() => [] as number[]);
  for (let round = 0; round <= runs; round++)
    modules.forEach(({ file }, i) => {
      const ms = coldImport(file);
      if (round > 0) times[i]?.push(ms);
    });
  const [sdk = [], ...ours] = times;
  const all = (list: number[]) => list.map((t) => Math.round(t)).join('/');
  results.add('init_ms_sdk_only', {
    value: round(median(sdk), 1),
    unit: 'ms',
    note: `import of @aws-sdk/client-dynamodb + client-s3 and one client each, nothing of ours: median of ${runs} (all ${all(sdk)} ms)`,
  });
  ours.forEach((list, i) => {
    const name = modules[i + 1]?.name;
    results.add(`init_ms_${name}`, {
      value: round(median(list), 1),
      unit: 'ms',
      note: `median of ${runs} cold import() in a fresh node ${process.version} (all ${all(list)} ms); @aws-sdk/* from node_modules`,
    });
    results.add(`init_ms_over_sdk_${name}`, {
      value: round(median(list.map((t, j) => t - (sdk[j] ?? Number.NaN))), 1),
      unit: 'ms',
      goal: atMost(INIT_OVER_SDK_GOAL_MS),
      note: `median over the ${runs} rounds of init_ms_${name} - init_ms_sdk_only, each round importing both`,
    });
  });
}
