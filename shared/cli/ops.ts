import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmbeddedAws } from '../local/embedded-aws.ts';
import { LocalQueue } from '../local/local-queue.ts';
import { localPublishHandler } from '../local/pipeline.ts';
import { claimDataDir, runningDev, writeQueue } from './dev-folders.ts';
import { keptOf, restoreQueue } from './dev-queue.ts';
import { CliError } from './errors.ts';
import { DeployedOperations } from './operations/deployed.ts';
import { DevOperations } from './operations/dev-control.ts';
import { LocalOperations } from './operations/local.ts';
import type { Operations } from './operations/operations.ts';
import { siteConfig } from './options.ts';

/** Where an operator command runs: a deployed stack, or the local runtime's data folder. */
export interface TargetOptions {
  stack: string;
  local: boolean;
  dataDir: string;
}

/** The local site URL `feedpub dev` last rendered with (its data folder's site.json). */
function localSiteUrl(dataDir: string): string {
  try {
    const { url } = JSON.parse(readFileSync(join(dataDir, 'site.json'), 'utf8')) as {
      url?: string;
    };
    if (url) return url;
  } catch {
    // No site.json: feedpub dev never ran here.
  }
  throw new CliError(
    `${dataDir} holds no feedpub dev data (no site.json): run feedpub dev first, or pass --data-dir`,
  );
}

/**
 * The local runtime of the data folder. While `feedpub dev` runs on it, that process answers
 * (its queues, dead letters and DynamoDB Local are its own): DevOperations. Otherwise the
 * runtime is started here (DynamoDB Local and s3rver on free ports) with the real publish
 * handler and no stream mapping, and the ingest queue the stopped dev kept in the folder
 * (keepQueue): status shows it, redrive sends its dead letters back into it, and dev's next
 * start ingests them. Nothing is ingested here.
 */
async function localOperations(dataDir: string): Promise<Operations> {
  const dir = resolve(dataDir);
  const pid = runningDev(dir);
  if (pid !== undefined) return DevOperations.connect(dir, pid);
  const url = localSiteUrl(dir);
  // Held until the command ends: a dev started meanwhile would run a second DynamoDB Local on
  // the same database file and keep a queue this command then writes over.
  const release = claimDataDir(dir);
  let aws: Awaited<ReturnType<typeof startEmbeddedAws>>;
  try {
    aws = await startEmbeddedAws({ dataDir: dir, s3Port: 0, handleSignals: true });
  } catch (error) {
    release();
    throw error;
  }
  const queue = new LocalQueue({
    handler: async () => {
      throw new Error('no ingest runs outside feedpub dev');
    },
  });
  // Stopped: it holds messages for dev's next start and never delivers them here.
  queue.stop();
  const keptAs = JSON.stringify(restoreQueue(dir, queue));
  const ops = new LocalOperations(
    aws,
    {
      queue,
      publishDeadLetters: [],
      publish: localPublishHandler(aws, siteConfig(url, undefined, [], { deployed: false })),
    },
    dir,
  );
  return Object.assign(ops, {
    close: async () => {
      try {
        const now = keptOf(queue);
        if (JSON.stringify(now) !== keptAs) writeQueue(dir, now);
        await aws.stop();
      } finally {
        release();
      }
    },
  });
}

/** Runs `command` on the target, closing it afterwards. */
export async function withOperations<T>(
  target: TargetOptions,
  command: (ops: Operations) => Promise<T>,
): Promise<T> {
  const ops = target.local
    ? await localOperations(target.dataDir)
    : await DeployedOperations.connect(target.stack);
  try {
    return await command(ops);
  } finally {
    await ops.close();
  }
}
