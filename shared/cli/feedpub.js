#!/usr/bin/env node
// The `feedpub` command. Plain JavaScript so it runs without a build step: it loads the
// TypeScript sources through tsx.
import { spawn } from 'node:child_process';
import { createCipheriv } from 'node:crypto';

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

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (legacyCiphersAvailable()) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  await main(process.argv);
} else {
  const args = ['--openssl-legacy-provider', ...process.execArgv, ...process.argv.slice(1)];
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));
}
