import { App } from 'aws-cdk-lib';
import { ContextError } from './config.ts';
import { composeFeedpub } from './feedpub.ts';
import { checkAwsSolutions, describeFindings } from './nag.ts';

const app = new App();
try {
  composeFeedpub(app, { region: process.env.CDK_DEFAULT_REGION });
} catch (error) {
  // A bad setting is the operator's to mend: one line naming it, not a stack trace.
  if (!(error instanceof ContextError)) throw error;
  console.error(error.message);
  process.exit(1);
}

// Secure by default: a finding that nobody acknowledged with a reason stops the synth.
const findings = describeFindings(checkAwsSolutions(app));
if (findings.length > 0) {
  throw new Error(`cdk-nag AwsSolutions findings:\n${findings.join('\n')}`);
}
app.synth();
