import { cpus } from 'node:os';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { countCommands } from './sdk-meters.ts';
import { processCpuMs, round } from './stats.ts';

/**
 * Where a bulk run's time went: the CPU it took in this process (every thread: the handlers,
 * the SDK clients, s3rver, the parse workers, the uploader or the folder mirror) and in DynamoDB
 * Local's JVM, and the requests the pipeline sent. On a machine whose cores were busy the whole
 * run, that CPU over the cores is the least wall time the same work could take: a rate goal
 * beyond `count / floor` needs less work per article, not more overlap.
 */
export interface CpuSpent {
  nodeS: number;
  /** Undefined where the emulator's CPU cannot be read (not Linux, or not started by us). */
  dynamoS: number | undefined;
  totalS: number;
  /** totalS over the machine's cores. */
  floorS: number;
  cores: number;
  requests: Map<string, number>;
}

export function meterCpu(aws: EmbeddedAws): { start(): void; stop(): CpuSpent } {
  const requests = countCommands({ dynamodb: aws.dynamo, s3: aws.s3, streams: aws.streams });
  const dynamoMs = () => (aws.dynamoPid === undefined ? undefined : processCpuMs(aws.dynamoPid));
  let node = process.cpuUsage();
  let dynamo = dynamoMs();
  return {
    start() {
      requests.clear();
      node = process.cpuUsage();
      dynamo = dynamoMs();
    },
    stop() {
      const used = process.cpuUsage(node);
      const nodeS = (used.user + used.system) / 1e6;
      const now = dynamoMs();
      const dynamoS = now === undefined || dynamo === undefined ? undefined : (now - dynamo) / 1000;
      const totalS = nodeS + (dynamoS ?? 0);
      const cores = cpus().length;
      return { nodeS, dynamoS, totalS, floorS: totalS / cores, cores, requests: new Map(requests) };
    },
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

/** The figure `bulk_cpu_s`: what the run's work cost in CPU, and where. */
export function cpuNote(spent: CpuSpent): string {
  const dynamo =
    spent.dynamoS === undefined
      ? 'DynamoDB Local not measured'
      : `DynamoDB Local ${round(spent.dynamoS, 1)} s`;
  return `${dynamo}, this process ${round(spent.nodeS, 1)} s (handlers, SDK clients, s3rver, parse workers, the uploader); ${requestMix(spent.requests, 'dynamodb')}; ${requestMix(spent.requests, 's3', 4)}; ${requestMix(spent.requests, 'streams', 2)}`;
}

/**
 * Why a rate goal was missed, when the CPU says: the most articles/s this much work per article
 * allows on this machine's cores, below the goal. Empty when it does not explain the miss.
 */
export function cpuBound(spent: CpuSpent, count: number, goal: number): string {
  const ceiling = count / spent.floorS;
  if (ceiling >= goal) return '';
  return `; CPU-bound: the run took ${round(spent.totalS, 1)} s of CPU (bulk_cpu_s), ${round((spent.totalS * 1000) / count, 1)} ms an article, so ${spent.cores} cores allow at most ${round(ceiling, 1)}/s even with every core busy throughout`;
}
