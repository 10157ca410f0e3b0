import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_OUTCOMES } from '../../infra/dashboard.ts';
import { METRICS } from '../../shared/contract/metrics.ts';
import { synthFeedpub, type Templates } from './synth-feedpub.ts';

let t: Templates;
beforeAll(() => {
  t = synthFeedpub();
});
afterAll(() => t?.feedpub.dispose());

/** The dashboard body as CloudWatch gets it, its tokens left as they synthesize. */
function body(): string {
  const dashboards = Object.values(t.service.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  return JSON.stringify(dashboards[0]?.Properties.DashboardBody);
}

describe('the operations dashboard', () => {
  it('shows uploads by outcome and the handled failures, under the names the handlers emit', () => {
    const text = body();
    for (const name of [
      ...INGEST_OUTCOMES,
      METRICS.ingestFailedRecords,
      METRICS.renderFailures,
      METRICS.publishFailedRecords,
      METRICS.hubNoticesFailed,
    ])
      expect(text).toContain(`\\"${name}\\"`);
    expect(text).toContain(METRICS.namespace);
    expect(text).toContain(METRICS.services.ingest);
    expect(text).toContain(METRICS.services.publish);
  });

  it('shows freshness (queue age, stream lag), publish latency, dead letters, errors and throttles', () => {
    const text = body();
    for (const metric of [
      'ApproximateAgeOfOldestMessage',
      'IteratorAge',
      'Duration',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Throttles',
      'WriteThrottleEvents',
      'ReadThrottleEvents',
    ])
      expect(text).toContain(metric);
    expect(text).toContain('p99');
  });

  it('shows what readers get from the distribution, from us-east-1 where CloudFront reports it', () => {
    const text = body();
    expect(text).toContain('[\\"AWS/CloudFront\\",\\"5xxErrorRate\\",\\"DistributionId\\",');
    expect(text).toContain('\\"region\\":\\"us-east-1\\"');
    expect(text).toContain('\\"Requests\\"');
  });

  it('is linked from the stack outputs', () => {
    const outputs = t.service.findOutputs('DashboardUrl');
    expect(JSON.stringify(outputs)).toContain('#dashboards:name=');
  });
});
