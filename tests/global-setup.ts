import type { TestProject } from 'vitest/node';
import { startEmbeddedAws } from '../shared/local/embedded-aws.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}

/** One DynamoDB Local and one s3rver for the whole run; tests isolate by names and prefixes. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const aws = await startEmbeddedAws({ handleSignals: false });
  project.provide('dynamoEndpoint', aws.endpoints.dynamodb);
  project.provide('s3Endpoint', aws.endpoints.s3);
  return () => aws.stop();
}
