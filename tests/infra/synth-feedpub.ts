import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { composeFeedpub, type Feedpub } from '../../infra/feedpub.ts';

const CDK_JSON = join(import.meta.dirname, '..', '..', 'cdk.json');

/** The context `npx cdk synth` runs with: cdk.json's defaults and feature flags. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context: Record<string, unknown> })
    .context;
}

export interface SynthOptions {
  /** `-c key=value` overrides. */
  readonly context?: Record<string, unknown>;
  /** Bundle the functions with esbuild (slow); off by default. */
  readonly bundle?: boolean;
  /**
   * The region the CDK CLI would deploy to (CDK_DEFAULT_REGION); none by default, as in an
   * offline synth, whatever this machine's environment says.
   */
  readonly region?: string;
}

export interface SynthedFeedpub extends Feedpub {
  readonly app: App;
  readonly outdir: string;
  /** Removes the cloud assembly from the temp dir. */
  readonly dispose: () => void;
}

/** Builds the app exactly as infra/app.ts does, into a temp dir of its own. */
export function buildFeedpub(options: SynthOptions = {}): SynthedFeedpub {
  const outdir = mkdtempSync(join(tmpdir(), 'feedpub-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const dispose = () => rmSync(outdir, { recursive: true, force: true });
  try {
    return { app, outdir, ...composeFeedpub(app, { region: options.region }), dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

export interface Templates {
  readonly feedpub: SynthedFeedpub;
  readonly data: Template;
  readonly service: Template;
}

let defaults: Templates | undefined;

/**
 * Synthesizes both stacks. The default app (no context, no bundling) is synthesized once per
 * worker and shared by every file that asks for it (infra tests run unisolated: see
 * vitest.config.ts); templates are plain JSON, and no test changes them.
 */
export function synthFeedpub(options: SynthOptions = {}): Templates {
  const shared = !options.bundle && options.context === undefined;
  if (shared && defaults) return defaults;
  const feedpub = buildFeedpub(options);
  const templates = {
    feedpub,
    data: Template.fromStack(feedpub.data),
    service: Template.fromStack(feedpub.service),
  };
  if (!shared) return templates;
  // Nothing reads the shared app's cloud assembly: it goes at once, and disposing is a no-op.
  feedpub.dispose();
  defaults = { ...templates, feedpub: { ...feedpub, dispose: () => {} } };
  return defaults;
}

type Json = unknown;
type Resources = Record<string, { Type: string; Properties: Record<string, Json> }>;

/** A template fragment as `Template.toJSON()` types it. */
export type TemplateJson = ReturnType<Template['toJSON']>;

/**
 * Replaces each cross-stack reference (`Fn::GetStackOutput` of feedpub-data) with the data
 * stack's own expression, so a test can say "this is the inbox bucket's ARN".
 */
export function withDataRefs(value: Json, data: Template): Json {
  const outputs = data.toJSON().Outputs as Record<string, { Value: Json }>;
  const visit = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const ref = (node as Record<string, { OutputName?: string }>)['Fn::GetStackOutput'];
    if (ref?.OutputName) {
      const output = outputs[ref.OutputName];
      if (!output) throw new Error(`feedpub-data has no output ${ref.OutputName}`);
      return output.Value;
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
  };
  return visit(value);
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: Json;
  Condition?: Json;
}

export const asArray = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Logical id of the one function whose POWERTOOLS_SERVICE_NAME is feedpub-<name>. */
export function functionId(service: Template, name: string): string {
  const found = Object.keys(
    service.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: `feedpub-${name}` } } },
    }),
  );
  if (found.length !== 1) throw new Error(`expected one ${name} function, found ${found.length}`);
  return found[0] as string;
}

/** Every statement of the identity policies attached to a function's role, data refs inlined. */
export function statementsOf(service: Template, data: Template, name: string): Statement[] {
  const resources = service.toJSON().Resources as Resources;
  const fn = resources[functionId(service, name)];
  if (!fn) throw new Error(`no function ${name}`);
  const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: role }]))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .map((s) => withDataRefs(s, data) as Statement);
}

/** Logical id of an L2 construct's main resource in its own stack's template. */
export function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

/** `{ Fn::GetAtt: [<logicalId>, 'Arn'] }` of an L2 construct's resource in its own stack. */
export function arnOf(construct: IConstruct): Json {
  return { 'Fn::GetAtt': [logicalIdOf(construct), 'Arn'] };
}

/** `<arn>/<keyPattern>` as CDK's arnForObjects renders it. */
export function objectsOf(construct: IConstruct, keyPattern: string): Json {
  return { 'Fn::Join': ['', [arnOf(construct), `/${keyPattern}`]] };
}
