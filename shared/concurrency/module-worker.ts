import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

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
  if (bundle) return new Worker(bundled(moduleUrl), options);
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

/** Bundles made in this process, by module: each is made once (about 0.1 s). */
const bundles = new Map<string, URL>();

/**
 * The module and its imports as one ES module (a `data:` URL). esbuild comes with tsx. Its
 * CommonJS packages `require` through the source module's own resolver.
 */
function bundled(moduleUrl: string): URL {
  const made = bundles.get(moduleUrl);
  if (made) return made;
  const require = createRequire(moduleUrl);
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const { outputFiles } = buildSync({
    entryPoints: [fileURLToPath(moduleUrl)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    banner: {
      js: `import { createRequire as __feedpubRequire } from 'node:module'; const require = __feedpubRequire(${JSON.stringify(moduleUrl)});`,
    },
  });
  const code = Buffer.from(outputFiles[0]?.contents ?? []).toString('base64');
  const url = new URL(`data:text/javascript;base64,${code}`);
  bundles.set(moduleUrl, url);
  return url;
}
