/**
 * X-Ray subsegments for every AWS SDK call (the Powertools Tracer around each client), when the
 * function was bundled with them (`sdkTracing` in cdk.json context: infra/feedpub-function.ts
 * defines FEEDPUB_SDK_TRACING). The tracer and the X-Ray SDK it loads add about 125 KB and
 * their load to each cold start, so a bundle built without them holds none of that code
 * (esbuild drops the branch). Outside a bundle (tests, the local runtime) the flag is not
 * defined: no tracing. Active tracing itself (the invocation's own segment) is always on.
 */

declare const FEEDPUB_SDK_TRACING: boolean;

/** Wraps the clients before their first call (their middleware is cached from then on). */
export async function traceSdkClients(...clients: object[]): Promise<void> {
  // The flag is written out here for esbuild: with it defined false, the branch and the import
  // inside it leave the bundle.
  if (typeof FEEDPUB_SDK_TRACING === 'boolean' && FEEDPUB_SDK_TRACING) {
    const { Tracer } = await import('@aws-lambda-powertools/tracer');
    const tracer = new Tracer();
    for (const client of clients) tracer.captureAWSv3Client(client);
  }
}
