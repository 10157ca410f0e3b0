import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import type { MiddlewareStack } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { localDynamoClients, localS3Client } from '../../../shared/local/clients.ts';

type Stack = Pick<MiddlewareStack<object, object>, 'add'>;

/** Answers every call without a network: the innermost middleware of these tests. */
function answerLocally(stack: Stack) {
  stack.add(() => async () => ({ output: { $metadata: {} }, response: {} }), {
    step: 'initialize',
    name: 'answerLocally',
    priority: 'low',
  });
}

describe('the local SDK clients', () => {
  it('cache their resolved middleware, as the Lambda clients do, yet use middleware added after a call', async () => {
    const { dynamo } = localDynamoClients('http://127.0.0.1:9');
    const s3 = localS3Client('http://127.0.0.1:9');
    const calls = [
      { client: dynamo, send: () => dynamo.send(new ListTablesCommand({})) },
      { client: s3, send: () => s3.send(new ListBucketsCommand({})) },
    ];
    for (const { client, send } of calls) {
      expect(client.config.cacheMiddleware).toBe(true);
      const stack = client.middlewareStack as unknown as Stack;
      answerLocally(stack);
      await send();
      const seen: string[] = [];
      stack.add(
        (next) => async (args) => {
          seen.push('added later');
          return next(args);
        },
        { step: 'initialize', name: 'addedLater', priority: 'high' },
      );
      await send();
      await send();
      expect(seen).toEqual(['added later', 'added later']);
      client.destroy();
    }
  });
});
