import {
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { middlewareOf } from './reliability-pipeline.ts';

/**
 * Transient faults injected into real SDK clients by middleware, decided by a seeded die.
 * Transient means bounded: each call site (kind + subject) faults at most `perSubject` times,
 * each article key at most `perOwner` times over all its ingest calls (fewer than the
 * queue's five receives, so a fault alone never parks an event in the DLQ), each kind at most
 * `budget` times, and only while the rule is `active`. Faults fire before the request is sent,
 * or after it succeeded (the response is lost: the write happened, the caller sees an error).
 */

export interface FaultRule {
  kind: string;
  probability: number;
  perSubject: number;
  budget: number;
  /** The request reaches the service first; only its response is lost. */
  after?: boolean;
  /** Faults only while this says so (an outage); always when absent. */
  active?: () => boolean;
  error: (subject: string) => Error;
}

export class Faults {
  /** Injected faults by kind. */
  readonly injected: Record<string, number> = {};
  private readonly bySite = new Map<string, number>();
  private readonly byOwner = new Map<string, number>();

  constructor(
    private readonly random: () => number,
    private readonly ownerOf: (subject: string) => string | undefined,
    private readonly perOwner = 3,
  ) {}

  get total(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  /** Whether this call of `rule` on `subject` fails; counts it if so. */
  roll(rule: FaultRule, subject: string): boolean {
    const site = `${rule.kind}|${subject}`;
    const owner = this.ownerOf(subject);
    if ((this.bySite.get(site) ?? 0) >= rule.perSubject) return false;
    if (owner !== undefined && (this.byOwner.get(owner) ?? 0) >= this.perOwner) return false;
    if ((this.injected[rule.kind] ?? 0) >= rule.budget) return false;
    if (rule.active && !rule.active()) return false;
    if (this.random() >= rule.probability) return false;
    this.bySite.set(site, (this.bySite.get(site) ?? 0) + 1);
    if (owner !== undefined) this.byOwner.set(owner, (this.byOwner.get(owner) ?? 0) + 1);
    this.injected[rule.kind] = (this.injected[rule.kind] ?? 0) + 1;
    return true;
  }

  /** Adds one middleware to `client` that applies `rules` to the commands `subjectOf` names. */
  install(
    client: S3Client | DynamoDBClient,
    rulesFor: (command: string, input: Record<string, unknown>) => FaultRule[],
    subjectOf: (command: string, input: Record<string, unknown>) => string,
  ): void {
    middlewareOf(client).add(
      (next, context) => async (args) => {
        const command = String(context.commandName);
        const input = args.input as Record<string, unknown>;
        const rules = rulesFor(command, input);
        if (rules.length === 0) return next(args);
        const subject = subjectOf(command, input);
        for (const rule of rules.filter((r) => !r.after)) {
          if (this.roll(rule, subject)) throw rule.error(subject);
        }
        const output = await next(args);
        for (const rule of rules.filter((r) => r.after)) {
          if (this.roll(rule, subject)) throw rule.error(subject);
        }
        return output;
      },
      { step: 'initialize', name: 'injectFaults', priority: 'high' },
    );
  }
}

const meta = { $metadata: { httpStatusCode: 400 } };

export const dynamoErrors = {
  throttled: (subject: string) =>
    subject.length % 2 === 0
      ? new ProvisionedThroughputExceededException({ message: `injected: ${subject}`, ...meta })
      : new ThrottlingException({ message: `injected: ${subject}`, ...meta }),
  conflict: (items: number) => () =>
    new TransactionCanceledException({
      message:
        'injected: Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
      ...meta,
      CancellationReasons: Array.from({ length: items }, (_, i) =>
        i === 0
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
          : { Code: 'None' },
      ),
    }),
};

export function s3Error(name: string, status: number) {
  return (subject: string) =>
    Object.assign(new Error(`injected: ${name} on ${subject}`), {
      name,
      $fault: 'server',
      $metadata: { httpStatusCode: status },
    });
}

export function lostResponse(subject: string): Error {
  return Object.assign(new Error(`injected: socket hang up after ${subject} was written`), {
    name: 'TimeoutError',
    code: 'ECONNRESET',
  });
}

/** The pk of the first item a DynamoDB command names: what it is about. */
export function dynamoSubject(command: string, input: Record<string, unknown>): string {
  const pk = (key: unknown) => String((key as { pk?: { S?: string } } | undefined)?.pk?.S ?? '');
  const sk = (key: unknown) => String((key as { sk?: { S?: string } } | undefined)?.sk?.S ?? '');
  if (command === 'GetItemCommand') return `${pk(input.Key)}|${sk(input.Key)}`;
  if (command === 'QueryCommand') {
    const values = input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined;
    return String(values?.[':pk']?.S ?? 'query');
  }
  if (command === 'BatchGetItemCommand') {
    const request = Object.values(input.RequestItems as Record<string, { Keys: unknown[] }>)[0];
    return pk(request?.Keys[0]);
  }
  if (command === 'TransactWriteItemsCommand') {
    const items = input.TransactItems as { Put?: { Item: unknown } }[];
    const source = items.find((i) => pk(i.Put?.Item).startsWith('SRC#'));
    return pk(source?.Put?.Item) || 'transaction';
  }
  return command;
}
