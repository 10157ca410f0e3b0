import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module at `moduleUrl` (the caller's `import.meta.url`: such a
 * module serves as a worker when `workerData` names its role). A bundle runs itself; a
 * TypeScript source loads through tsx.
 */
export function startModuleWorker(
  moduleUrl: string,
  options: ConstructorParameters<typeof Worker>[1],
): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(moduleUrl), options);
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
