/** The CloudFormation stack names the CDK app deploys (infra/feedpub.ts); the CLI finds them. */
export const DATA_STACK_ID = 'feedpub-data';
/** The stateless stack: its outputs name the queues, functions, table and buckets. */
export const APP_STACK_ID = 'feedpub-app';
/**
 * CloudFront's metrics live in us-east-1 only, and an alarm can watch only its own region's
 * metrics: the edge alarms (infra/edge-alarms-stack.ts) are a stack of their own there.
 */
export const EDGE_ALARMS_STACK_ID = 'feedpub-edge-alarms';
/** Where CloudFront publishes its metrics, whatever region the site is deployed in. */
export const CLOUDFRONT_METRICS_REGION = 'us-east-1';
