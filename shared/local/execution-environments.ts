import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { ANNOUNCE_EVENTS, INGEST_EVENTS, PUBLISH_EVENTS } from '../contract/event-sources.ts';

/** A function as the stack deploys it (its settings in shared/contract/event-sources.ts). */
export interface LambdaFunction {
  name: string;
  timeoutSeconds: number;
  memoryMb: number;
}

/** The local runtime's functions, with the deployed timeouts and memory. */
export const LOCAL_FUNCTIONS = {
  ingest: { ...INGEST_EVENTS, name: 'feedpub-local-ingest' },
  publish: { ...PUBLISH_EVENTS, name: 'feedpub-local-publish' },
  announce: { ...ANNOUNCE_EVENTS, name: 'feedpub-local-announce' },
} as const satisfies Record<string, LambdaFunction>;

export function functionArn(fn: LambdaFunction): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:${fn.name}`;
}

/** What Lambda reports when an invocation outlives its function's timeout. */
export class LambdaTimeoutError extends Error {
  constructor(
    readonly functionName: string,
    readonly timeoutMs: number,
  ) {
    super(`${functionName}: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = 'LambdaTimeoutError';
  }
}

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

export interface EnvironmentOptions {
  /**
   * The invocation's time limit (default: the function's timeout). Tests compress time here,
   * as the local queue compresses its visibility timeout.
   */
  timeoutMs?: number;
  /**
   * After how many of its timeouts an invocation is ended (default 1: at its timeout). More
   * only where this runtime makes an invocation wait for what AWS would not (ingest's shared
   * parse pool, startPipeline).
   */
  endsAfterTimeouts?: number;
  /** Told of every invocation that timed out. */
  onTimeout?: (error: LambdaTimeoutError) => void;
}

/**
 * Lambda's execution environments for one function: an invocation runs in an environment not
 * busy with another, a new one is made (a cold start: `create` runs, the composition root of
 * the handler) when all are busy, and each is kept warm for the invocations after. What a
 * handler keeps at module scope (publish's ArticleCache, the site bucket's ETags) is so per
 * environment, as on AWS: concurrent batches do not share it, later batches in one do.
 *
 * Each invocation gets a Lambda context (`getRemainingTimeInMillis` counts down from the
 * function's timeout, so a handler that watches its time, as publish does, does so here too)
 * and ends at the timeout as on AWS: it fails with LambdaTimeoutError (the mappings retry it,
 * or bisect a stream batch), and its environment is discarded, so the next invocation starts
 * cold. One difference remains: AWS stops the timed-out code, while here it runs on in the
 * background until it settles, its result ignored. Its late writes meet what any stalled
 * publisher's do (leases, stamped conditional writes), so nothing older lands over newer.
 */
export function executionEnvironments<E, R>(
  create: () => LambdaHandler<E, R>,
  fn: LambdaFunction,
  {
    timeoutMs = fn.timeoutSeconds * 1000,
    endsAfterTimeouts = 1,
    onTimeout,
  }: EnvironmentOptions = {},
): (event: E) => Promise<R> {
  const endsAfterMs = timeoutMs * endsAfterTimeouts;
  const idle: LambdaHandler<E, R>[] = [];
  return async (event) => {
    // The most recently used first, as Lambda prefers warm environments.
    const handler = idle.pop() ?? create();
    const context = lambdaContext(fn, Date.now() + timeoutMs);
    const running = Promise.resolve().then(() => handler(event, context));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LambdaTimeoutError(fn.name, endsAfterMs)), endsAfterMs);
    });
    try {
      const result = await Promise.race([running, timedOut]);
      idle.push(handler);
      return result;
    } catch (error) {
      if (error instanceof LambdaTimeoutError) onTimeout?.(error);
      else {
        // A handler that threw keeps its environment, as on AWS.
        idle.push(handler);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The context Lambda passes an invocation, with its deadline. */
function lambdaContext(fn: LambdaFunction, deadline: number): Context {
  const unsupported = () => {
    throw new Error('callback-style handlers are not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(fn),
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
