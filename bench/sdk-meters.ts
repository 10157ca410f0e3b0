import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { MiddlewareStack } from '@smithy/types';

/**
 * SDK middleware that measures what the product spends, on the very clients it uses
 * (as tests/support/publish-harness.ts records commands).
 */

type Stack = Pick<MiddlewareStack<object, object>, 'add'>;

/** Every PutObject sent to `bucket`: its key, in order. `reset()` starts a new count. */
export function countPuts(client: S3Client, bucket: string) {
  const keys: string[] = [];
  (client.middlewareStack as unknown as Stack).add(
    (next, context) => async (args) => {
      const input = args.input as { Bucket?: string; Key?: string };
      if (context.commandName === 'PutObjectCommand' && input.Bucket === bucket)
        keys.push(String(input.Key));
      return next(args);
    },
    { step: 'initialize', name: `benchCountPuts-${bucket}` },
  );
  return {
    keys,
    reset: () => {
      keys.length = 0;
    },
  };
}

const READS = new Set(['QueryCommand', 'GetItemCommand', 'BatchGetItemCommand']);

interface Consumed {
  CapacityUnits?: number;
}

/** Read capacity of every Query/GetItem/BatchGetItem, asked for with ReturnConsumedCapacity. */
export function meterReadCapacity(client: DynamoDBClient) {
  const total = { units: 0, reads: 0 };
  (client.middlewareStack as unknown as Stack).add(
    (next, context) => async (args) => {
      if (!READS.has(String(context.commandName))) return next(args);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] })
        .ConsumedCapacity;
      for (const c of [consumed ?? []].flat()) total.units += c.CapacityUnits ?? 0;
      total.reads += 1;
      return result;
    },
    { step: 'initialize', name: 'benchMeterReadCapacity' },
  );
  return {
    total,
    reset: () => {
      total.units = 0;
      total.reads = 0;
    },
  };
}

/** Every command the clients send, counted by client and command (`dynamodb:QueryCommand`). */
export function countCommands(clients: Record<string, { middlewareStack: unknown }>) {
  const counts = new Map<string, number>();
  for (const [name, client] of Object.entries(clients)) {
    (client.middlewareStack as Stack).add(
      (next, context) => async (args) => {
        const key = `${name}:${String(context.commandName).replace(/Command$/, '')}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: `benchCountCommands-${name}` },
    );
  }
  return counts;
}
