import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asArray, synthFeedpub, type Templates, withDataRefs } from '../infra/synth-feedpub.ts';
import { articleFile, randomSpec } from '../support/reliability-articles.ts';
import { prng, SEED } from '../support/reliability-config.ts';
import { middlewareOf, startRig } from '../support/reliability-pipeline.ts';

/**
 * Whole-app sweeps that complement tests/infra (which check each resource it knows of):
 * whatever resource is added later, no bucket or queue takes plain HTTP, no policy opens
 * anything to everyone, nothing can make an object public, and the running code never asks.
 */

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = {
  Effect: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: unknown;
};

let t: Templates;
let resources: [string, Resource][];
beforeAll(() => {
  t = synthFeedpub();
  resources = [t.data, t.service].flatMap((template) =>
    Object.entries(template.toJSON().Resources as Record<string, Resource>),
  );
});
afterAll(() => t?.feedpub.dispose());

const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const statementsOf = (r: Resource) =>
  (r.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [];
const everyone = (principal: unknown) =>
  principal === '*' || JSON.stringify(principal) === JSON.stringify({ AWS: '*' });
const refusesPlainHttp = (s: Statement) =>
  s.Effect === 'Deny' &&
  everyone(s.Principal) &&
  JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } });

/** The logical ids a policy applies to (its Bucket / Queues), cross-stack references inlined. */
function targets(policy: Resource): string[] {
  const props = withDataRefs(policy.Properties, t.data) as Record<string, unknown>;
  return [...asArray(props.Bucket ?? []), ...asArray(props.Queues ?? [])].map(
    (ref) => (ref as { Ref?: string }).Ref ?? JSON.stringify(ref),
  );
}

describe('security, swept over every resource of both stacks', () => {
  it('every bucket and every queue refuses requests without TLS', () => {
    const guarded = new Set(
      [...ofType('AWS::S3::BucketPolicy'), ...ofType('AWS::SQS::QueuePolicy')]
        .filter(([, policy]) => statementsOf(policy).some(refusesPlainHttp))
        .flatMap(([, policy]) => targets(policy)),
    );
    const stores = [...ofType('AWS::S3::Bucket'), ...ofType('AWS::SQS::Queue')].map(([id]) => id);
    expect(stores.length).toBeGreaterThanOrEqual(6);
    expect(stores.filter((id) => !guarded.has(id))).toEqual([]);
  });

  it('no resource policy allows everyone, and every allow to a service is scoped to a source', () => {
    const policies = resources.filter(
      ([, r]) => r.Type.endsWith('Policy') && r.Type !== 'AWS::IAM::Policy',
    );
    expect(policies.length).toBeGreaterThanOrEqual(5);
    for (const [id, policy] of policies) {
      for (const statement of statementsOf(policy).filter((s) => s.Effect === 'Allow')) {
        expect({ id, everyone: everyone(statement.Principal) }).toEqual({ id, everyone: false });
        expect({
          id,
          scoped: JSON.stringify(statement.Condition ?? '').includes('SourceArn'),
        }).toEqual({ id, scoped: true });
      }
    }
  });

  it('no bucket is a website or carries an ACL; every bucket blocks public access', () => {
    for (const [id, bucket] of ofType('AWS::S3::Bucket')) {
      expect({
        id,
        website: bucket.Properties?.WebsiteConfiguration,
        acl: bucket.Properties?.AccessControl,
      }).toEqual({ id, website: undefined, acl: undefined });
      expect(bucket.Properties?.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('no function has a URL, and only services with a source ARN may invoke one', () => {
    expect(ofType('AWS::Lambda::Url')).toEqual([]);
    for (const [id, permission] of ofType('AWS::Lambda::Permission')) {
      expect({ id, principal: String(permission.Properties?.Principal) }).toEqual({
        id,
        principal: expect.stringMatching(/\.amazonaws\.com$/),
      });
      expect(permission.Properties?.SourceArn).toBeDefined();
    }
  });

  it('no role may change ACLs, bucket policies or public-access blocks', () => {
    const forbidden =
      /^s3:(?:Put\w*Acl|PutBucketPolicy|DeleteBucketPolicy|Put\w*PublicAccessBlock|PutBucketWebsite|PutBucketOwnershipControls)$|^s3:\*|^\*$/;
    const actions = ofType('AWS::IAM::Policy').flatMap(([, policy]) =>
      statementsOf(policy)
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => asArray(s.Action ?? [])),
    );
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((action) => forbidden.test(action))).toEqual([]);
  });
});

describe('security of the running code', () => {
  it('ingest and publish never send an ACL, a grant or a bucket-policy change', async () => {
    const sent: { command: string; input: Record<string, unknown> }[] = [];
    const rig = await startRig({
      prepare: ({ s3 }) =>
        middlewareOf(s3).add(
          (next, context) => async (args) => {
            sent.push({
              command: String(context.commandName),
              input: args.input as Record<string, unknown>,
            });
            return next(args);
          },
          { step: 'initialize', name: 'recordForSecurity' },
        ),
    });
    try {
      const random = prng(SEED + 8);
      for (let i = 0; i < 3; i++)
        await rig.inbox.put(
          `articles/sec/${i}.md`,
          articleFile('md', randomSpec(`Sec ${i}`, 1, random)),
        );
      await rig.inbox.remove('articles/sec/0.md');
      await rig.pipeline.settle();
    } finally {
      await rig.stop();
    }
    expect(sent.filter((c) => c.command === 'PutObjectCommand').length).toBeGreaterThan(10);
    expect(sent.filter((c) => /Acl|Policy|PublicAccessBlock|Website/.test(c.command))).toEqual([]);
    expect(sent.filter((c) => Object.keys(c.input).some((k) => /^(ACL|Grant)/.test(k)))).toEqual(
      [],
    );
  });
});
