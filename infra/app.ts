import { App } from 'aws-cdk-lib';
import { composeFeedpub } from './feedpub.ts';
import { checkAwsSolutions, describeFindings } from './nag.ts';

const app = new App();
composeFeedpub(app);

// Secure by default: a finding that nobody acknowledged with a reason stops the synth.
const findings = describeFindings(checkAwsSolutions(app));
if (findings.length > 0) {
  throw new Error(`cdk-nag AwsSolutions findings:\n${findings.join('\n')}`);
}
app.synth();
