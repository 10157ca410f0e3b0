import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadId, Worker } from 'node:worker_threads';

/**
 * A worker thread running the module at `moduleUrl` (the caller's `import.meta.url`: such a
 * module serves as a worker when `workerData` names its role). A bundle runs itself; a
 * TypeScript source loads through tsx, or, with `bundle`, as one file esbuild makes of it and
 * everything it imports, as the Lambda bundles are made: a worker that loads the parser
 * through tsx spends about 0.6 s of CPU on it, one that loads a bundle about 0.15 s.
 */
export function startModuleWorker(
  moduleUrl: string,
  options: ConstructorParameters<typeof Worker>[1],
  { bundle = false }: { bundle?: boolean } = {},
): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(moduleUrl), options);
  const made = bundle ? bundledOrUndefined(moduleUrl) : undefined;
  if (made) return new Worker(made, options);
  // A worker does not inherit tsx's loader (nor honour `--import` in execArgv on Node 20):
  // it registers tsx's ESM hooks itself, from the path tsx's package.json exports.
  const require = createRequire(moduleUrl);
  const manifest = require.resolve('tsx/package.json');
  const entry = (require(manifest) as { exports: Record<string, { import: { default: string } }> })
    .exports['./esm/api']?.import.default;
  if (!entry) throw new Error('tsx/esm/api is missing: reinstall the dependencies');
  const api = pathToFileURL(join(dirname(manifest), entry)).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * The bundle, or undefined where none can be made or kept (esbuild missing, a read-only
 * node_modules): the worker then loads the sources through tsx, slower to start, the same code.
 */
function bundledOrUndefined(moduleUrl: string): URL | undefined {
  try {
    return bundled(moduleUrl);
  } catch {
    return undefined;
  }
}

/** Bundles ready in this process, by module. */
const bundles = new Map<string, URL>();

interface BundleInput {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Whether every file the bundle was made from is still as it was. */
function unchanged(inputs: BundleInput[]): boolean {
  return inputs.every(({ path, size, mtimeMs }) => {
    try {
      const info = statSync(path);
      return info.size === size && info.mtimeMs === mtimeMs;
    } catch {
      return false;
    }
  });
}

/**
 * The module and its imports as one ES module, made by esbuild (which comes with tsx) and
 * kept in node_modules/.cache/feedpub/bundles with the list of its sources: it is made again
 * only when one of them changes (about 0.25 s; checking costs a stat per source). Its
 * CommonJS packages `require` through the source module's own resolver.
 */
function bundled(moduleUrl: string): URL {
  const ready = bundles.get(moduleUrl);
  if (ready) return ready;
  const require = createRequire(moduleUrl);
  const nodeModules = dirname(dirname(require.resolve('tsx/package.json')));
  const root = dirname(nodeModules);
  const cache = join(nodeModules, '.cache', 'feedpub', 'bundles');
  const options = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
    banner: {
      js: `import { createRequire as __feedpubRequire } from 'node:module'; const require = __feedpubRequire(${JSON.stringify(moduleUrl)});`,
    },
  } as const;
  // Named by the module and how it is bundled: a change to either makes another file.
  const name = createHash('sha256')
    .update(JSON.stringify({ moduleUrl, options }))
    .digest('hex')
    .slice(0, 16);
  const [code, manifest] = [join(cache, `${name}.mjs`), join(cache, `${name}.json`)];
  let inputs: BundleInput[] | undefined;
  try {
    inputs = JSON.parse(readFileSync(manifest, 'utf8')) as BundleInput[];
  } catch {
    inputs = undefined;
  }
  if (!inputs || !existsSync(code) || !unchanged(inputs)) {
    const { buildSync } = require('esbuild') as typeof import('esbuild');
    const { outputFiles, metafile } = buildSync({
      ...options,
      entryPoints: [fileURLToPath(moduleUrl)],
      absWorkingDir: root,
    });
    const made = Object.keys(metafile?.inputs ?? {}).map((input) => {
      const path = resolve(root, input);
      const { size, mtimeMs } = statSync(path);
      return { path, size, mtimeMs };
    });
    mkdirSync(cache, { recursive: true });
    // Written aside, then renamed: processes that start workers at once never read half a file.
    const temp = `${code}.${process.pid}.${threadId}`;
    writeFileSync(temp, outputFiles?.[0]?.contents ?? new Uint8Array());
    renameSync(temp, code);
    writeFileSync(`${manifest}.${process.pid}.${threadId}`, JSON.stringify(made));
    renameSync(`${manifest}.${process.pid}.${threadId}`, manifest);
  }
  const url = pathToFileURL(code);
  bundles.set(moduleUrl, url);
  return url;
}
