import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_OUTPUTS } from '../../shared/cli/operations/stack-outputs.ts';
import { synthFeedpub, type Templates } from './synth-feedpub.ts';

let t: Templates;
beforeAll(() => {
  t = synthFeedpub();
});
afterAll(() => t?.feedpub.dispose());

const logicalIdOf = (value: unknown) =>
  JSON.stringify(value).match(/"(?:Ref|Fn::GetAtt)":\s*\[?"([^"]+)"/)?.[1] ?? '';

describe('the outputs the operator commands find the stack by', () => {
  it('names every one the CLI reads', () => {
    const outputs = t.service.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const name of OPERATION_OUTPUTS) expect(outputs[name], name).toBeDefined();
  });

  it('points each queue and function output at the resource the commands act on', () => {
    const outputs = t.service.toJSON().Outputs as Record<string, { Value: unknown }>;
    const resources = t.service.toJSON().Resources as Record<string, { Type: string }>;
    const of = (name: string) => logicalIdOf(outputs[name]?.Value);
    expect(of('IngestQueueUrl')).toMatch(/^IngestionEvents/);
    expect(of('IngestDeadLetterQueueUrl')).toMatch(/^IngestionDeadLetters/);
    expect(of('PublishDeadLetterQueueUrl')).toMatch(/^PublishingDeadLetters/);
    expect(resources[of('PublishDeadLetterQueueUrl')]?.Type).toBe('AWS::SQS::Queue');
    expect(of('HubNoticeDeadLetterQueueUrl')).toMatch(/^AnnouncingDeadLetters/);
    expect(resources[of('HubNoticeDeadLetterQueueUrl')]?.Type).toBe('AWS::SQS::Queue');
    expect(of('PublishFunctionName')).toMatch(/^PublishingPublish/);
    expect(resources[of('PublishFunctionName')]?.Type).toBe('AWS::Lambda::Function');
  });
});
