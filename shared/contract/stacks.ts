/** The CloudFormation stack names the CDK app deploys (infra/feedpub.ts); the CLI finds them. */
export const DATA_STACK_ID = 'feedpub-data';
/** The stateless stack: its outputs name the queues, functions, table and buckets. */
export const APP_STACK_ID = 'feedpub-app';
