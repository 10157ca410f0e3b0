import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RepublishEvent, RepublishSummary } from '../../contract/event-sources.ts';
import { DEV_CONTROL_FILE } from '../dev-folders.ts';
import { CliError } from '../errors.ts';
import type {
  ArticleCounts,
  Operations,
  PublishDeadLetter,
  QueueDepth,
  ReportList,
  StreamRange,
} from './operations.ts';

/**
 * The operator commands against a running `feedpub dev`. Its queues, dead letters and DynamoDB
 * Local live in its process, so `feedpub status --local` (and reports, redrive, republish) ask
 * that process: dev serves its own LocalOperations on a loopback port, and DevOperations is the
 * Operations port over it. The port and a token are in the data folder's `dev-control.json`,
 * readable by its owner only; each request carries the token.
 */

interface ControlFile {
  pid: number;
  url: string;
  token: string;
}

/** The methods that cross the port, with their arguments. */
type Calls = {
  [M in Exclude<keyof Operations, 'target' | 'close'>]: Parameters<Operations[M]>;
};
const METHODS: readonly (keyof Calls)[] = [
  'countArticles',
  'listReports',
  'lastPublish',
  'queues',
  'redriveIngest',
  'receivePublishDeadLetters',
  'deletePublishDeadLetters',
  'idsInStreamRange',
  'republish',
];
const isMethod = (name: string): name is keyof Calls =>
  (METHODS as readonly string[]).includes(name);

async function body(message: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves `ops` on 127.0.0.1 (a free port) and writes dev-control.json into `dataDir`; the
 * returned function stops serving and removes the file.
 */
export async function serveOperations(
  ops: Operations,
  dataDir: string,
): Promise<() => Promise<void>> {
  const token = randomBytes(32).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer(async (req, res) => {
    const answer = (status: number, document: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(document));
    };
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return answer(401, { error: 'not this feedpub dev’s token' });
    const method = /^\/operations\/(\w+)$/.exec(req.url ?? '')?.[1] ?? '';
    if (req.method !== 'POST' || !isMethod(method))
      return answer(404, { error: `no operation ${req.method} ${req.url}` });
    try {
      const args = JSON.parse(await body(req)) as unknown[];
      const call = ops[method] as (...a: unknown[]) => Promise<unknown>;
      answer(200, { result: await call.apply(ops, args) });
    } catch (error) {
      answer(500, { error: (error as Error).message ?? String(error) });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const file = join(dataDir, DEV_CONTROL_FILE);
  const control: ControlFile = { pid: process.pid, url: `http://127.0.0.1:${port}`, token };
  writeFileSync(file, `${JSON.stringify(control)}\n`, { mode: 0o600 });
  return async () => {
    // Only its own: a dev started on this folder since (after this one's mark was taken over)
    // keeps its control file.
    if (controlPid(file) === process.pid) rmSync(file, { force: true });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

function controlPid(file: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as Partial<ControlFile>).pid;
  } catch {
    return undefined;
  }
}

/** The Operations port of the `feedpub dev` (process `pid`) running on `dataDir`. */
export class DevOperations implements Operations {
  private constructor(
    private readonly control: ControlFile,
    readonly target: string,
  ) {}

  static connect(dataDir: string, pid: number): DevOperations {
    let control: ControlFile;
    try {
      control = JSON.parse(readFileSync(join(dataDir, DEV_CONTROL_FILE), 'utf8')) as ControlFile;
    } catch {
      throw new CliError(
        `feedpub dev (pid ${pid}) is running on ${dataDir} but is not ready for commands yet (no ${DEV_CONTROL_FILE}): try again once it prints its banner`,
      );
    }
    if (control.pid !== pid)
      throw new CliError(
        `${join(dataDir, DEV_CONTROL_FILE)} belongs to pid ${control.pid}, not to the running feedpub dev (pid ${pid}): try again once it prints its banner`,
      );
    return new DevOperations(control, `feedpub dev (pid ${pid}) on ${dataDir}`);
  }

  /** One call; no timeout, as a whole-site republish takes as long as it takes. */
  private call<M extends keyof Calls>(method: M, ...args: Calls[M]): Promise<unknown> {
    const payload = JSON.stringify(args);
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.control.url}/operations/${method}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.control.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          body(res).then((text) => {
            let document: { result?: unknown; error?: string };
            try {
              document = JSON.parse(text);
            } catch {
              document = { error: `answered ${res.statusCode}: ${text.slice(0, 200)}` };
            }
            if (res.statusCode === 200) resolve(document.result);
            else reject(new CliError(`feedpub dev: ${method}: ${document.error}`));
          }, reject);
        },
      );
      req.on('error', (error) =>
        reject(new CliError(`feedpub dev at ${this.control.url} did not answer: ${error.message}`)),
      );
      req.end(payload);
    });
  }

  async countArticles(limit: number): Promise<ArticleCounts> {
    return (await this.call('countArticles', limit)) as ArticleCounts;
  }

  async listReports(limit: number): Promise<ReportList> {
    const list = (await this.call('listReports', limit)) as ReportList;
    // Dates cross as ISO strings.
    return {
      ...list,
      reports: list.reports.map((report) => ({ ...report, written: new Date(report.written) })),
    };
  }

  async lastPublish(): Promise<Date | undefined> {
    const at = (await this.call('lastPublish')) as string | undefined;
    return at === undefined ? undefined : new Date(at);
  }

  async queues(): Promise<QueueDepth[]> {
    return (await this.call('queues')) as QueueDepth[];
  }

  async redriveIngest(dryRun: boolean): Promise<number> {
    return (await this.call('redriveIngest', dryRun)) as number;
  }

  async receivePublishDeadLetters(): Promise<PublishDeadLetter[]> {
    return (await this.call('receivePublishDeadLetters')) as PublishDeadLetter[];
  }

  async deletePublishDeadLetters(letters: readonly PublishDeadLetter[]): Promise<void> {
    await this.call('deletePublishDeadLetters', letters);
  }

  async idsInStreamRange(range: StreamRange): Promise<string[] | undefined> {
    return ((await this.call('idsInStreamRange', range)) ?? undefined) as string[] | undefined;
  }

  async republish(event: RepublishEvent): Promise<RepublishSummary> {
    return (await this.call('republish', event)) as RepublishSummary;
  }

  async close(): Promise<void> {}
}
