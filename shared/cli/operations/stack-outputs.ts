import { existsSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CliError } from '../errors.ts';
import { DEFAULT_DATA_DIR } from '../options.ts';

/** The CloudFormation outputs of the app stack the operator commands need (infra/app-stack.ts). */
export const OPERATION_OUTPUTS = [
  'TableName',
  'InboxBucketName',
  'SiteBucketName',
  'IngestQueueUrl',
  'IngestDeadLetterQueueUrl',
  'PublishDeadLetterQueueUrl',
  'HubNoticeDeadLetterQueueUrl',
  'PublishFunctionName',
] as const;

export type StackOutputs = Record<(typeof OPERATION_OUTPUTS)[number], string>;

/** The stack's outputs, read with the caller's credentials and region. */
export async function readStackOutputs(
  client: CloudFormationClient,
  stackName: string,
): Promise<StackOutputs> {
  let stack: { Outputs?: { OutputKey?: string; OutputValue?: string }[] } | undefined;
  try {
    stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    // A project folder where `feedpub dev` has run: the operator probably meant that.
    const local = existsSync(DEFAULT_DATA_DIR)
      ? ', or add --local for feedpub dev in this folder'
      : '';
    throw new CliError(
      `cannot read the stack ${stackName} (${message}): check --stack, the AWS region (AWS_REGION) and credentials${local}`,
      { cause: error },
    );
  }
  if (!stack) throw new CliError(`no stack ${stackName}: check --stack and the AWS region`);
  const values = new Map(
    (stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
  );
  const missing = OPERATION_OUTPUTS.filter((name) => !values.get(name));
  if (missing.length > 0)
    throw new CliError(
      `the stack ${stackName} has no output ${missing.join(', ')}: deploy this version of feedpub (cdk deploy --all) first`,
    );
  return Object.fromEntries(
    OPERATION_OUTPUTS.map((n) => [n, values.get(n) as string]),
  ) as StackOutputs;
}

export { CloudFormationClient };
