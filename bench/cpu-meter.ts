import { usableCores } from '../shared/concurrency/usable-cores.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { countCommands } from './sdk-meters.ts';
import { processCpuMs, round } from './stats.ts';

/**
 * Where a run's time went: the CPU it took in this process (every thread: the handlers, the SDK
 * clients, s3rver, the parse workers, the uploader or the folder mirror) and in DynamoDB Local's
 * JVM, and the requests the pipeline sent. That CPU over the machine's cores is the least wall
 * time the same work could take here even with every core busy throughout: a rate goal beyond
 * `articles / floorS` needs less work per article, not more overlap.
 */
export interface CpuSpent {
  nodeS: number;
  /** Undefined where the emulator's CPU cannot be read (not Linux, or not started by us). */
  dynamoS: number | undefined;
  totalS: number;
  /** totalS over the machine's cores. */
  floorS: number;
  cores: number;
}

interface CpuReading {
  nodeS: number;
  dynamoS: number | undefined;
}

/** CPU used so far: this process's, and DynamoDB Local's where it can be read (seconds). */
function cpuNow(aws: EmbeddedAws): CpuReading {
  const used = process.cpuUsage();
  const dynamoMs = aws.dynamoPid === undefined ? undefined : processCpuMs(aws.dynamoPid);
  return {
    nodeS: (used.user + used.system) / 1e6,
    dynamoS: dynamoMs === undefined ? undefined : dynamoMs / 1000,
  };
}

function spentBetween(from: CpuReading, to: CpuReading): CpuSpent {
  const nodeS = to.nodeS - from.nodeS;
  const dynamoS =
    to.dynamoS === undefined || from.dynamoS === undefined ? undefined : to.dynamoS - from.dynamoS;
  const totalS = nodeS + (dynamoS ?? 0);
  const cores = usableCores();
  return { nodeS, dynamoS, totalS, floorS: totalS / cores, cores };
}

/** The CPU and the pipeline's requests from `start()` to `stop()`. */
export function meterCpu(aws: EmbeddedAws) {
  const requests = countCommands({ dynamodb: aws.dynamo, s3: aws.s3, streams: aws.streams });
  let from = cpuNow(aws);
  return {
    start() {
      requests.clear();
      from = cpuNow(aws);
    },
    stop(): CpuSpent & { requests: Map<string, number> } {
      return { ...spentBetween(from, cpuNow(aws)), requests: new Map(requests) };
    },
  };
}

/**
 * CPU read every `everyMs` (performance.now() times): the CPU of a stretch whose end is only
 * known afterwards (`npm run load`'s burst, until its last change), without the checks that
 * followed it. `between` takes the readings nearest its ends.
 */
export function sampleCpu(aws: EmbeddedAws, everyMs = 250) {
  const readings: (CpuReading & { at: number })[] = [];
  const take = () => readings.push({ at: performance.now(), ...cpuNow(aws) });
  take();
  const timer = setInterval(take, everyMs);
  const nearest = (at: number) =>
    readings.reduce((best, r) => (Math.abs(r.at - at) < Math.abs(best.at - at) ? r : best));
  return {
    stop: () => {
      clearInterval(timer);
      take();
    },
    between: (fromMs: number, toMs: number): CpuSpent =>
      spentBetween(nearest(fromMs), nearest(toMs)),
  };
}

/** `1020 TransactWriteItems, 4559 Query, …`: the commands of one client, most first. */
export function requestMix(requests: Map<string, number>, client: string, top = 5): string {
  const mine = [...requests].filter(([key]) => key.startsWith(`${client}:`));
  const total = mine.reduce((sum, [, n]) => sum + n, 0);
  const named = mine
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, n]) => `${n} ${key.slice(client.length + 1)}`);
  return `${total} ${client} requests (${named.join(', ')})`;
}

/** Where the CPU went: DynamoDB Local, this process (and what runs in it). */
export function cpuNote(spent: CpuSpent, sender: string): string {
  const dynamo =
    spent.dynamoS === undefined
      ? 'DynamoDB Local not measured'
      : `DynamoDB Local ${round(spent.dynamoS, 1)} s`;
  return `${dynamo}, this process ${round(spent.nodeS, 1)} s (handlers, SDK clients, s3rver, parse workers, ${sender})`;
}

/**
 * Why a goal was missed, when the CPU says: the least time this much work takes on this
 * machine's cores, less `before` (its first seconds, which the goal does not count: `from`
 * names where the goal's clock starts), above the goal's `limitS`. Empty when it does not
 * explain the miss.
 */
export function cpuBound(
  spent: CpuSpent,
  limitS: number,
  { before = 0, from = '' }: { before?: number; from?: string } = {},
): string {
  const floor = spent.floorS - before;
  if (floor <= limitS) return '';
  return `; CPU-bound: the work took ${round(spent.totalS, 1)} s of CPU, so even with every core busy throughout at least ${round(floor, 1)} s on ${spent.cores} cores${from ? ` ${from}` : ''}, above the ${limitS} s the goal allows`;
}
