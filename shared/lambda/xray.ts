/**
 * X-Ray on Lambda without the X-Ray SDK: each invocation gets a `## <function>` subsegment
 * (annotated with `ColdStart` and `Service`) and each AWS SDK call inside it a subsegment of its
 * own (service, operation, table or bucket, request id, retries, status; error, throttle and
 * fault flags with the exception), sent to the X-Ray daemon over UDP as the SDK would send them
 * (README "Traces"). A few KB instead of the Powertools Tracer's 125 KB and its load at every
 * cold start (issue 19's budgets), and always on.
 *
 * Lambda gives the trace through `_X_AMZN_TRACE_ID` (or its invoke store) and the daemon through
 * `AWS_XRAY_DAEMON_ADDRESS`; an unsampled invocation, or any run outside Lambda (tests, the local
 * runtime), sends nothing and adds no header.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type {
  BuildHandlerOptions,
  BuildMiddleware,
  MetadataBearer,
  ResponseMetadata,
} from '@smithy/types';

/** The daemon's protocol: this header line, then one segment document. */
export const XRAY_DOCUMENT_HEADER = '{"format":"json","version":1}';

interface Trace {
  root: string;
  /** The segment (Lambda's own) or subsegment new subsegments hang under. */
  parent: string;
  /** Other fields of the header (`Lineage`…), passed on downstream. */
  extra: string;
  /** Where its documents go. */
  daemon: Daemon;
}

interface Daemon {
  host: string;
  port: number;
}

/** A subsegment document (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html). */
export interface SubsegmentDocument {
  type: 'subsegment';
  id: string;
  trace_id: string;
  parent_id: string;
  name: string;
  start_time: number;
  end_time: number;
  namespace?: 'aws';
  annotations?: Record<string, string | number | boolean>;
  aws?: Record<string, string | number | string[]>;
  http?: { response: { status: number } };
  error?: true;
  throttle?: true;
  fault?: true;
  cause?: { working_directory: string; exceptions: CapturedException[] };
}

interface CapturedException {
  id: string;
  message: string;
  type: string;
  remote?: true;
  stack: { label: string; path: string; line: number }[];
}

type InvokeStore = { getXRayTraceId?: () => string | undefined };

/** This invocation's sampled trace, or nothing to record. */
function sampledTrace(): Trace | undefined {
  const store = (globalThis as { awslambda?: { InvokeStore?: InvokeStore } }).awslambda
    ?.InvokeStore;
  const header = store?.getXRayTraceId?.() ?? process.env._X_AMZN_TRACE_ID;
  const daemon = daemonAddress();
  if (!header || !daemon) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const root = fields.get('Root');
  const parent = fields.get('Parent');
  if (!root || !parent || fields.get('Sampled') !== '1') return undefined;
  const extra = [...fields]
    .filter(([key]) => !['Root', 'Parent', 'Sampled'].includes(key))
    .map(([key, value]) => `;${key}=${value}`)
    .join('');
  return { root, parent, extra, daemon };
}

/** `AWS_XRAY_DAEMON_ADDRESS`: `host:port`, or `tcp:host:port udp:host:port` (UDP is used). */
function daemonAddress(): Daemon | undefined {
  const value = process.env.AWS_XRAY_DAEMON_ADDRESS?.trim();
  if (!value) return undefined;
  const parts = value.split(/\s+/);
  const udp = parts.find((part) => part.startsWith('udp:')) ?? parts[0] ?? '';
  const address = udp.replace(/^(udp|tcp):/, '');
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { host: address.slice(0, at), port };
}

let socket: Socket | undefined;
const inFlight = new Set<Promise<void>>();

/** Sends one document; a failed send is dropped, as the X-Ray SDK drops it. */
function emit(document: SubsegmentDocument, { host, port }: Daemon): void {
  if (!socket) {
    socket = createSocket('udp4');
    socket.on('error', () => {});
    socket.unref();
  }
  const message = Buffer.from(`${XRAY_DOCUMENT_HEADER}\n${JSON.stringify(document)}`);
  const sent = new Promise<void>((resolve) => {
    socket?.send(message, port, host, () => resolve());
  });
  inFlight.add(sent);
  void sent.then(() => inFlight.delete(sent));
}

const now = () => (performance.timeOrigin + performance.now()) / 1000;
const newId = () => randomBytes(8).toString('hex');

function captured(error: unknown, remote: boolean): CapturedException {
  const e = error instanceof Error ? error : new Error(String(error));
  const stack = (e.stack ?? '')
    .split('\n')
    .slice(1, 21)
    .map((frame) => {
      const match = /^\s*at (?:(.*?) \()?(.*?):(\d+):\d+\)?$/.exec(frame);
      return match
        ? { label: match[1] ?? 'anonymous', path: match[2] ?? '', line: Number(match[3]) }
        : undefined;
    })
    .filter((frame) => frame !== undefined);
  return {
    id: newId(),
    message: e.message,
    type: e.name,
    ...(remote ? { remote: true as const } : {}),
    stack,
  };
}

/** The subsegment open around the current invocation, for the SDK calls made inside it. */
const current = new AsyncLocalStorage<Trace>();

let coldStart = true;

/**
 * Records each invocation of `handler` as a `## <name>` subsegment, its error as a fault, and
 * sends everything before the invocation returns (Lambda freezes the container after it).
 */
export function traced<A extends unknown[], R>(
  name: string,
  handler: (...args: A) => Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args) => {
    const cold = coldStart;
    coldStart = false;
    const trace = sampledTrace();
    if (!trace) return handler(...args);
    const document: SubsegmentDocument = {
      type: 'subsegment',
      id: newId(),
      trace_id: trace.root,
      parent_id: trace.parent,
      name: `## ${name}`,
      start_time: now(),
      end_time: 0,
      annotations: { ColdStart: cold, Service: process.env.POWERTOOLS_SERVICE_NAME ?? name },
    };
    try {
      return await current.run({ ...trace, parent: document.id }, () => handler(...args));
    } catch (error) {
      document.fault = true;
      document.cause = { working_directory: process.cwd(), exceptions: [captured(error, false)] };
      throw error;
    } finally {
      document.end_time = now();
      emit(document, trace.daemon);
      await Promise.all(inFlight);
    }
  };
}

/** An AWS SDK v3 client: its region and the middleware stack the subsegments join. */
interface SdkClient {
  config: { region?: unknown };
  middlewareStack: {
    add(middleware: BuildMiddleware<object, MetadataBearer>, options: BuildHandlerOptions): void;
  };
}

/** What X-Ray shows of a call's target: the table(s), the bucket and key. */
function resources(input: Record<string, unknown>): Record<string, string | string[]> {
  const found: Record<string, string | string[]> = {};
  if (typeof input.TableName === 'string') found.table_name = input.TableName;
  const tables = new Set<string>();
  if (input.RequestItems && typeof input.RequestItems === 'object')
    for (const table of Object.keys(input.RequestItems)) tables.add(table);
  if (Array.isArray(input.TransactItems))
    for (const item of input.TransactItems as Record<string, { TableName?: unknown }>[])
      for (const action of Object.values(item))
        if (typeof action?.TableName === 'string') tables.add(action.TableName);
  if (tables.size > 0) found.table_names = [...tables];
  if (typeof input.Bucket === 'string') found.bucket_name = input.Bucket;
  if (typeof input.Key === 'string') found.key = input.Key;
  return found;
}

async function regionOf(client: SdkClient): Promise<string | undefined> {
  const region = client.config.region;
  const value = typeof region === 'function' ? await region() : region;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Adds a subsegment per call to each client (one per call, whatever its retries), under the
 * invocation's subsegment, and passes the trace on in `X-Amzn-Trace-Id`.
 */
export function traceSdkClients(...clients: SdkClient[]): void {
  for (const client of clients) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const trace = current.getStore() ?? sampledTrace();
        if (!trace) return next(args);
        const document: SubsegmentDocument = {
          type: 'subsegment',
          id: newId(),
          trace_id: trace.root,
          parent_id: trace.parent,
          name: (context.clientName ?? 'AWS').replace(/Client$/, ''),
          namespace: 'aws',
          start_time: now(),
          end_time: 0,
        };
        const request = args.request as { headers?: Record<string, string> } | undefined;
        if (request?.headers)
          request.headers['X-Amzn-Trace-Id'] =
            `Root=${trace.root};Parent=${document.id};Sampled=1${trace.extra}`;
        const finish = async (metadata: ResponseMetadata | undefined) => {
          document.end_time = now();
          const region = await regionOf(client);
          document.aws = {
            operation: (context.commandName ?? '').replace(/Command$/, ''),
            ...(region ? { region } : {}),
            ...(metadata?.requestId ? { request_id: metadata.requestId } : {}),
            ...(metadata?.extendedRequestId ? { id_2: metadata.extendedRequestId } : {}),
            retries: Math.max(0, (metadata?.attempts ?? 1) - 1),
            ...resources(args.input as Record<string, unknown>),
          };
          const status = metadata?.httpStatusCode;
          if (status) {
            document.http = { response: { status } };
            if (status === 429) document.throttle = true;
            if (status >= 400 && status < 500) document.error = true;
            if (status >= 500) document.fault = true;
          }
        };
        try {
          const result = await next(args);
          await finish(result.output.$metadata);
          return result;
        } catch (error) {
          const metadata = (error as { $metadata?: ResponseMetadata }).$metadata;
          await finish(metadata);
          if (
            /Throttl|TooManyRequests|ProvisionedThroughputExceeded|SlowDown/.test(
              String((error as Error).name),
            )
          )
            document.throttle = true;
          if (!document.error && !document.throttle) document.fault = true;
          document.cause = {
            working_directory: process.cwd(),
            exceptions: [captured(error, metadata?.httpStatusCode !== undefined)],
          };
          throw error;
        } finally {
          emit(document, trace.daemon);
        }
      },
      { step: 'build', name: 'feedpubXRay', override: true },
    );
  }
}
