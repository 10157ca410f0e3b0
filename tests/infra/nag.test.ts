import { Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAwsSolutions, describeFindings } from '../../infra/nag.ts';
import { buildFeedpub, type SynthedFeedpub } from './synth-feedpub.ts';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e8c5a-1111-2222-3333-444455556666';

let built: SynthedFeedpub | undefined;
afterEach(() => built?.dispose());

/** Every acknowledgement in the tree: [construct path, rule id, reason]. */
function acknowledgements(root: IConstruct): [string, string, string][] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(
            ([id, reason]): [string, string, string] => [
              c.node.path,
              id.replace(/^annotation::/i, ''),
              reason,
            ],
          ),
        ),
    );
}

describe('cdk-nag AwsSolutions', () => {
  // Checked before synthesis, as infra/app.ts does: resource names in finding ids differ after.
  it.each([
    ['defaults', {}],
    [
      'custom domain and alarm e-mail',
      { domainName: 'news.example.com', certificateArn: CERT, alarmEmail: 'ops@example.com' },
    ],
  ])('finds nothing unacknowledged (%s)', (_name, context) => {
    built = buildFeedpub({ context });
    const report = checkAwsSolutions(built.app);
    expect(describeFindings(report)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('with a custom domain TLS 1.2 passes CFR4 on its own, unacknowledged', () => {
    built = buildFeedpub({ context: { domainName: 'news.example.com', certificateArn: CERT } });
    expect(acknowledgements(built.app).filter(([, id]) => id === 'AwsSolutions-CFR4')).toEqual([]);
    expect(checkAwsSolutions(built.app).success).toBe(true);
  });

  it('is not vacuous: an unhardened bucket in the same app is reported', () => {
    built = buildFeedpub();
    const stray = new Stack(built.app, 'stray');
    new Bucket(stray, 'Open');
    const rules = checkAwsSolutions(stray).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  it('each acknowledgement sits on the construct it concerns, with a specific reason', () => {
    built = buildFeedpub();
    const acks = acknowledgements(built.app);
    const byRule = (rule: string) =>
      acks.filter(([, id]) => id === rule || id.startsWith(`${rule}[`)).map(([path]) => path);
    expect(byRule('AwsSolutions-S1')).toEqual(['feedpub-data/AccessLogs']);
    expect(byRule('AwsSolutions-S10')).toEqual(['feedpub-data/Site']);
    expect(byRule('AwsSolutions-SQS3').sort()).toEqual([
      'feedpub-app/Announcing/DeadLetters',
      'feedpub-app/Ingestion/DeadLetters',
      'feedpub-app/Publishing/DeadLetters',
    ]);
    for (const rule of [
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR3',
      'AwsSolutions-CFR4',
    ]) {
      expect(byRule(rule)).toEqual(['feedpub-app/Site/Distribution']);
    }
    expect(byRule('AwsSolutions-L1').sort()).toEqual([
      'feedpub-app/Announcing/Announce',
      'feedpub-app/Ingestion/Ingest',
      'feedpub-app/Publishing/Publish',
      'feedpub-app/Publishing/Release',
    ]);
    // Object-level wildcards are acknowledged one key pattern at a time, never as a whole rule.
    expect(acks.filter(([, id]) => id === 'AwsSolutions-IAM5')).toEqual([]);
    expect(
      acks.map(([, id]) => id).filter((id) => id.startsWith('AwsSolutions-IAM5[Resource::<')),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<Inbox\w+\.Arn>\/articles\/\*\]$/),
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<Inbox\w+\.Arn>\/reports\/\*\]$/),
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<Site\w+\.Arn>\/\*\]$/),
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<Site\w+\.Arn>\/media\/\*\]$/),
      ]),
    );
    for (const [path, id, reason] of acks) {
      expect(reason.length, `${path} ${id}`).toBeGreaterThan(50);
    }
    expect(new Set(acks.map(([, , reason]) => reason)).size).toBeGreaterThanOrEqual(12);
  });
});
