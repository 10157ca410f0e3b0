import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatorStartError, JavaMissingError } from './errors.ts';

/**
 * DynamoDB Local has no option for the address it listens on, and its main class listens on
 * every interface. `dynamodb-loopback.java` starts the same server on 127.0.0.1 only; this
 * compiles it with the `java` that runs it (its jdk.compiler module, no `javac` needed), once
 * per source and jar release, into `node_modules/.cache/feedpub/`, or into the run's own temp
 * folder when that cannot be written.
 */

const SOURCE = fileURLToPath(new URL('./dynamodb-loopback.java', import.meta.url));
/** The main class `dynamodb-loopback.java` declares. */
export const LOOPBACK_MAIN_CLASS = 'DynamoDbLoopback';
const CLASS_FILE = `${LOOPBACK_MAIN_CLASS}.class`;

export interface LoopbackBuild {
  /** DynamoDB Local's release folder (holds DynamoDBLocal.jar). */
  jarDir: string;
  /** Shared cache of compiled launchers. */
  cacheRoot: string;
  /** The run's own temp folder: the fallback when the cache cannot be written. */
  tempDir: string;
}

/** The folder holding the compiled launcher class, compiling it first if needed. */
export async function loopbackClasses(build: LoopbackBuild): Promise<string> {
  const key = createHash('sha256')
    .update(readFileSync(SOURCE))
    .update(basename(build.jarDir))
    .digest('hex')
    .slice(0, 16);
  const cached = join(build.cacheRoot, `dynamodb-loopback-${key}`);
  if (existsSync(join(cached, CLASS_FILE))) return cached;
  let staging: string;
  try {
    mkdirSync(build.cacheRoot, { recursive: true });
    staging = mkdtempSync(join(build.cacheRoot, 'compiling-'));
  } catch {
    staging = join(build.tempDir, 'launcher');
    mkdirSync(staging);
    await compile(build.jarDir, staging, build.tempDir);
    return staging;
  }
  try {
    await compile(build.jarDir, staging, build.tempDir);
    chmodSync(staging, 0o755); // mkdtemp's 0700 would hide it from other users of this checkout
    // Two runs may compile at once: the first rename wins, the same class either way.
    renameSync(staging, cached);
    pruneOthers(build.cacheRoot, cached);
  } catch (error) {
    if (!existsSync(join(cached, CLASS_FILE))) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return cached;
}

/** Launchers of older sources or releases (a running JVM has loaded its class already). */
function pruneOthers(cacheRoot: string, keep: string): void {
  for (const name of readdirSync(cacheRoot))
    if (name.startsWith('dynamodb-loopback-') && join(cacheRoot, name) !== keep)
      rmSync(join(cacheRoot, name), { recursive: true, force: true });
}

function compile(jarDir: string, out: string, tempDir: string): Promise<void> {
  const args = [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-XX:-UsePerfData',
    `-Djava.io.tmpdir=${tempDir}`,
    '-m',
    'jdk.compiler/com.sun.tools.javac.Main',
    '--release',
    '17',
    '-nowarn',
    '-cp',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-d',
    out,
    SOURCE,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (cause: NodeJS.ErrnoException) =>
      reject(cause.code === 'ENOENT' ? new JavaMissingError({ cause }) : cause),
    );
    child.once('close', (code) => {
      if (code === 0) resolve();
      else if (/jdk\.compiler not found/.test(output))
        reject(
          new EmulatorStartError(
            'DynamoDB Local',
            "this Java runtime has no jdk.compiler module, which feedpub needs to bind DynamoDB Local to 127.0.0.1: install a JDK 17+ (Debian/Ubuntu's default-jre-headless has the module too)",
          ),
        );
      else
        reject(
          new EmulatorStartError(
            'DynamoDB Local',
            `compiling its 127.0.0.1 launcher failed (java exited with ${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
    });
  });
}
