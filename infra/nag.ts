import { type PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Runs the AWS Solutions pack (cdk-nag 3) over a scope; acknowledged findings are left out. */
export function checkAwsSolutions(scope: IConstruct): PolicyValidationPluginReport {
  return new AwsSolutionsChecks(scope).validateScope(scope);
}

/** One line per unacknowledged finding: rule, then every construct it was found on. */
export function describeFindings(report: PolicyValidationPluginReport): string[] {
  return report.violations.map(
    (v) =>
      `${v.ruleName}: ${v.description} at ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`,
  );
}

/** The managed-policy finding every Lambda role with default logging permissions raises. */
export const BASIC_EXECUTION_ROLE_FINDING =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/**
 * Records a justified exception next to the construct it concerns. Finding ids that name a
 * resource are the ones cdk-nag computes before synthesis, so run the checks before synth.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** cdk-nag's own rendering of a resolved CloudFormation reference inside a finding id. */
export { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
