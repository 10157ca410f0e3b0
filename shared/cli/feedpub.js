#!/usr/bin/env node
// The `feedpub` command. Plain JavaScript so it runs without a build step: it loads the
// TypeScript sources through tsx.
import { spawn } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

// s3rver encrypts listing continuation tokens with DES, which OpenSSL 3 only offers through
// its legacy provider: re-run ourselves with it when it is not loaded, for the commands that
// start s3rver (`dev`, the default). `build` and `validate` run in this process without it.
const WITHOUT_S3RVER = new Set(['build', 'validate', 'help', '--help', '-h', '--version', '-V']);

function legacyCiphersAvailable() {
  if (WITHOUT_S3RVER.has(process.argv[2] ?? '')) return true;
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

// `build` holds the whole archive in memory (about 100 KB an article at its peak): it may use
// up to three quarters of the machine's memory, not Node's default heap limit (about 4 GB).
const BUILD_HEAP_MB = Math.floor((totalmem() * 0.75) / 2 ** 20);
function heapFlags() {
  if (process.argv[2] !== 'build') return [];
  if (process.execArgv.some((arg) => arg.startsWith('--max-old-space-size'))) return [];
  return getHeapStatistics().heap_size_limit / 2 ** 20 < BUILD_HEAP_MB
    ? [`--max-old-space-size=${BUILD_HEAP_MB}`]
    : [];
}

// The commands that start the embedded AWS host every emulated Lambda environment, s3rver's
// replies and the SDK clients in one heap: a young generation of 64 MB (V8's default on these
// machines: 16) spends less of a bulk import's CPU collecting garbage (README "Performance"). It
// changes nothing the handlers do.
const YOUNG_GENERATION = '--max-semi-space-size=64';
function youngGenerationFlags() {
  if (WITHOUT_S3RVER.has(process.argv[2] ?? '')) return [];
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((arg) => /^--max[-_]semi[-_]space[-_]size/.test(arg)) ? [] : [YOUNG_GENERATION];
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const respawnWith = [
  ...(legacyCiphersAvailable() ? [] : ['--openssl-legacy-provider']),
  ...heapFlags(),
  ...youngGenerationFlags(),
];
if (respawnWith.length === 0) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  await main(process.argv);
} else {
  const args = [...respawnWith, ...process.execArgv, ...process.argv.slice(1)];
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(signal, () => child.kill(signal));

  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
}
