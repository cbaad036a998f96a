import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as S3 from '@aws-sdk/client-s3';
import * as SSM from '@aws-sdk/client-ssm';
import * as IAM from '@aws-sdk/client-iam';
import * as Lambda from '@aws-sdk/client-lambda';
import * as Logs from '@aws-sdk/client-cloudwatch-logs';
import * as SQS from '@aws-sdk/client-sqs';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { snapshot } from '../helpers/snapshots.js';

let emu: TestEmulator;
let cfn: CFN.CloudFormationClient;
let ssm: SSM.SSMClient;
let iam: IAM.IAMClient;
let s3: S3.S3Client;

beforeAll(async () => {
  emu = await startTestEmulator();
  cfn = new CFN.CloudFormationClient(emu.config());
  ssm = new SSM.SSMClient(emu.config());
  iam = new IAM.IAMClient(emu.config());
  s3 = new S3.S3Client({ ...emu.config(), forcePathStyle: true });
});
afterAll(() => emu?.close());

/** Waits until the stack leaves its *_IN_PROGRESS status, as the SDK waiters do. */
async function settle(StackName: string): Promise<CFN.Stack> {
  for (let i = 0; i < 400; i++) {
    const s = (await cfn.send(new CFN.DescribeStacksCommand({ StackName }))).Stacks![0];
    if (!s.StackStatus!.endsWith('_IN_PROGRESS')) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`stack ${StackName} did not settle`);
}

async function events(StackName: string): Promise<CFN.StackEvent[]> {
  return (await cfn.send(new CFN.DescribeStackEventsCommand({ StackName }))).StackEvents!.reverse();
}

/** Template text (cooked: `\${` gives `${`, for Fn::Sub). */
const yaml = (parts: TemplateStringsArray, ...values: unknown[]) => parts.reduce((out, p, i) => out + p + (i < values.length ? String(values[i]) : ''), '');

describe('CloudFormation stacks', () => {
  it('creates a small stack with the event order and shapes AWS records (snapshot)', async () => {
    const { StackId } = await cfn.send(
      new CFN.CreateStackCommand({
        StackName: 'events-stack',
        TemplateBody: yaml`
Resources:
  topic123:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: hello
`,
      }),
    );
    expect(StackId).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/events-stack\/[0-9a-f-]{36}$/);
    const stack = await settle('events-stack');
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const got = await events('events-stack');
    const expected = (snapshot('cloudformation__api__test_stacks.snapshot.json', 'test_list_events_after_deployment', 'events').StackEvents as CFN.StackEvent[])
      // That recording began with a change set review; a plain CreateStack starts at CREATE_IN_PROGRESS.
      .filter((e) => (e.ResourceStatus as string) !== 'REVIEW_IN_PROGRESS');
    expect(got.map((e) => [e.LogicalResourceId === 'events-stack' ? 'stack' : e.LogicalResourceId, e.ResourceStatus, e.ResourceStatusReason])).toEqual(
      expected.map((e) => [e.ResourceType === 'AWS::CloudFormation::Stack' ? 'stack' : e.LogicalResourceId, e.ResourceStatus, e.ResourceStatusReason]),
    );
    for (const [i, e] of got.entries()) {
      const keys = Object.keys(expected[i]).filter((k) => k !== 'ResourceStatusReason').sort();
      expect(Object.keys(e).filter((k) => k !== 'ResourceStatusReason' && (e as unknown as Record<string, unknown>)[k] !== undefined).sort(), `event ${i}`).toEqual(keys);
    }
    expect(got[1].PhysicalResourceId).toBe('');
    expect(got[2].PhysicalResourceId).toMatch(/^CFN-topic123-[A-Za-z0-9]{12}$/);
    expect(got[2].EventId).toMatch(/^topic123-CREATE_IN_PROGRESS-/);
    expect(JSON.parse(got[2].ResourceProperties!)).toEqual({ Type: 'String', Value: 'hello' });
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: got[2].PhysicalResourceId! }))).Parameter!.Value).toBe('hello');
  });

  it('resolves parameters, pseudo parameters, conditions, mappings and intrinsic functions; NoEcho is masked', async () => {
    const template = yaml`
AWSTemplateFormatVersion: '2010-09-09'
Description: intrinsics
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
    Default: dev
  Sizes:
    Type: CommaDelimitedList
    Default: "a, b, c"
  Secret:
    Type: String
    NoEcho: true
  Count:
    Type: Number
    MinValue: 1
    Default: 2
  FromSsm:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /config/greeting
Mappings:
  EnvMap:
    dev: { Suffix: development }
    prod: { Suffix: production }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsDev, !Or [!Equals [a, a], !Condition IsProd]]
Resources:
  First:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub "/\${AWS::StackName}/first"
      Type: String
      Value: !Join ["|", [!Ref AWS::Region, !Ref AWS::AccountId, !Select [1, !Ref Sizes], !FindInMap [EnvMap, !Ref Env, Suffix]]]
  Second:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !Sub
        - "/\${AWS::StackName}/\${Which}"
        - Which: second
      Type: String
      Value: !Sub "\${First}+\${First.Value}+\${!Literal}+\${FromSsm}"
      Description: !If [IsProd, prod, !Ref AWS::NoValue]
  ProdOnly:
    Type: AWS::SSM::Parameter
    Condition: IsProd
    Properties: { Type: String, Value: never }
  Encoded:
    Type: AWS::SSM::Parameter
    DependsOn: Second
    Properties:
      Type: String
      Value: !Join [",", [!Base64 hi, !Select [0, !GetAZs ""], !Select [2, !Cidr ["10.0.0.0/16", 4, 8]], !Select [1, !Split ["/", "a/b/c"]]]]
Outputs:
  FirstValue:
    Value: !GetAtt First.Value
    Description: the first value
  Both:
    Value: !If [Both, yes, no]
  ProdOnly:
    Condition: IsProd
    Value: !Ref ProdOnly
  PseudoId:
    Value: !Ref AWS::StackId
`;
    await ssm.send(new SSM.PutParameterCommand({ Name: '/config/greeting', Value: 'hi there', Type: 'String' }));
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'intrinsics', TemplateBody: template, Parameters: [{ ParameterKey: 'Secret', ParameterValue: 's3cr3t' }] }));
    const stack = await settle('intrinsics');
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack.Description).toBe('intrinsics');
    const outputs = Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
    expect(outputs).toEqual({ FirstValue: 'us-east-1|000000000000|b|development', Both: 'yes', PseudoId: stack.StackId });
    expect(stack.Parameters!.find((p) => p.ParameterKey === 'Secret')!.ParameterValue).toBe('****');
    expect(stack.Parameters!.find((p) => p.ParameterKey === 'FromSsm')).toMatchObject({ ParameterValue: '/config/greeting', ResolvedValue: 'hi there' });
    const second = (await ssm.send(new SSM.GetParameterCommand({ Name: '/intrinsics/second' }))).Parameter!;
    expect(second.Value).toBe('/intrinsics/first+us-east-1|000000000000|b|development+${Literal}+hi there');
    const resources = (await cfn.send(new CFN.ListStackResourcesCommand({ StackName: 'intrinsics' }))).StackResourceSummaries!;
    expect(resources.map((r) => r.LogicalResourceId).sort()).toEqual(['Encoded', 'First', 'Second']);
    const encoded = resources.find((r) => r.LogicalResourceId === 'Encoded')!.PhysicalResourceId!;
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: encoded }))).Parameter!.Value).toBe('aGk=,us-east-1a,10.0.2.0/24,b');

    await expect(
      cfn.send(new CFN.CreateStackCommand({ StackName: 'bad-params', TemplateBody: template, Parameters: [{ ParameterKey: 'Env', ParameterValue: 'qa' }, { ParameterKey: 'Secret', ParameterValue: 'x' }] })),
    ).rejects.toMatchObject({ name: 'ValidationError', message: "Parameter 'Env' must be one of AllowedValues" });
    await expect(cfn.send(new CFN.CreateStackCommand({ StackName: 'bad-params', TemplateBody: template }))).rejects.toMatchObject({
      message: 'Parameters: [Secret] must have values',
    });
    await expect(cfn.send(new CFN.CreateStackCommand({ StackName: 'intrinsics', TemplateBody: template }))).rejects.toMatchObject({
      name: 'AlreadyExistsException',
      message: 'Stack [intrinsics] already exists',
    });
  });

  it('rolls back a failed create, naming the resource and the reason; afterwards only delete is allowed', async () => {
    await cfn.send(
      new CFN.CreateStackCommand({
        StackName: 'failing',
        Capabilities: ['CAPABILITY_IAM'],
        TemplateBody: JSON.stringify({
          Resources: {
            Good: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/failing/good', Type: 'String', Value: 'ok' } },
            Broken: { Type: 'AWS::IAM::Role', DependsOn: 'Good', Properties: { AssumeRolePolicyDocument: { Statement: 'not a policy' } } },
          },
        }),
      }),
    );
    const stack = await settle('failing');
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(stack.StackStatusReason).toBe('The following resource(s) failed to create: [Broken]. Rollback requested by user.');
    const evs = await events('failing');
    const failed = evs.find((e) => e.ResourceStatus === 'CREATE_FAILED')!;
    expect(failed.LogicalResourceId).toBe('Broken');
    expect(failed.ResourceStatusReason).toMatch(/MalformedPolicyDocument/);
    const order = evs.map((e) => `${e.LogicalResourceId}:${e.ResourceStatus}`);
    expect(order.slice(order.indexOf('failing:ROLLBACK_IN_PROGRESS'))).toEqual([
      'failing:ROLLBACK_IN_PROGRESS',
      'Broken:DELETE_IN_PROGRESS',
      'Broken:DELETE_COMPLETE',
      'Good:DELETE_IN_PROGRESS',
      'Good:DELETE_COMPLETE',
      'failing:ROLLBACK_COMPLETE',
    ]);
    expect(evs.at(-1)).toMatchObject({ LogicalResourceId: 'failing', ResourceStatus: 'ROLLBACK_COMPLETE' });
    await expect(ssm.send(new SSM.GetParameterCommand({ Name: '/failing/good' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    await expect(cfn.send(new CFN.UpdateStackCommand({ StackName: 'failing', UsePreviousTemplate: true }))).rejects.toMatchObject({
      message: expect.stringMatching(/is in ROLLBACK_COMPLETE state and can not be updated/),
    });
    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'failing' }));
    expect((await settle(stack.StackId!)).StackStatus).toBe('DELETE_COMPLETE');
    await expect(cfn.send(new CFN.DescribeStacksCommand({ StackName: 'failing' }))).rejects.toMatchObject({ message: 'Stack with id failing does not exist' });
  });

  it('fails the stack on an unsupported type with a message naming the type, logical id and line; DisableRollback keeps CREATE_FAILED', async () => {
    const body = yaml`Resources:
  Fine:
    Type: AWS::SSM::Parameter
    Properties: { Type: String, Value: x }
  Dashboard:
    Type: AWS::QuickSight::Dashboard
    DependsOn: Fine
    Properties: {}
`;
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'unsupported', TemplateBody: body, DisableRollback: true }));
    const stack = await settle('unsupported');
    expect(stack.StackStatus).toBe('CREATE_FAILED');
    expect(stack.StackStatusReason).toBe('The following resource(s) failed to create: [Dashboard]. ');
    const failed = (await events('unsupported')).find((e) => e.ResourceStatus === 'CREATE_FAILED')!;
    expect(failed.ResourceStatusReason).toMatch(/unsupported resource type AWS::QuickSight::Dashboard in resource Dashboard \(template line 5\)/);
    const resources = (await cfn.send(new CFN.DescribeStackResourcesCommand({ StackName: 'unsupported' }))).StackResources!;
    expect(resources.find((r) => r.LogicalResourceId === 'Fine')!.ResourceStatus).toBe('CREATE_COMPLETE');
    await expect(cfn.send(new CFN.CreateStackCommand({ StackName: 'typo', TemplateBody: '{"Resources":{"A":{"Type":"NotAType"}}}' }))).rejects.toMatchObject({
      message: 'Template format error: Unrecognized resource types: [NotAType]',
    });
  });

  it('updates in place, replaces when a replacement property changes, and removes dropped resources', async () => {
    const tpl = (value: string, name: string, extra = true) =>
      JSON.stringify({
        Parameters: { V: { Type: 'String' } },
        Resources: {
          Param: { Type: 'AWS::SSM::Parameter', Properties: { Name: name, Type: 'String', Value: { Ref: 'V' } } },
          Bucket: { Type: 'AWS::S3::Bucket', Properties: { Tags: [{ Key: 'v', Value: value }] } },
          ...(extra ? { Extra: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::GetAtt': ['Param', 'Value'] } } } } : {}),
        },
        Outputs: { ParamName: { Value: { Ref: 'Param' } } },
      });
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'updates', TemplateBody: tpl('1', '/updates/a'), Parameters: [{ ParameterKey: 'V', ParameterValue: 'one' }] }));
    expect((await settle('updates')).StackStatus).toBe('CREATE_COMPLETE');
    const before = (await cfn.send(new CFN.DescribeStackResourcesCommand({ StackName: 'updates' }))).StackResources!;
    const bucket = before.find((r) => r.LogicalResourceId === 'Bucket')!.PhysicalResourceId!;
    expect(bucket).toMatch(/^updates-bucket-[a-z0-9]{12}$/);
    await expect(cfn.send(new CFN.UpdateStackCommand({ StackName: 'updates', TemplateBody: tpl('1', '/updates/a'), Parameters: [{ ParameterKey: 'V', UsePreviousValue: true }] }))).rejects.toMatchObject({
      message: 'No updates are to be performed.',
    });
    await cfn.send(new CFN.UpdateStackCommand({ StackName: 'updates', TemplateBody: tpl('2', '/updates/b', false), Parameters: [{ ParameterKey: 'V', ParameterValue: 'two' }] }));
    const updated = await settle('updates');
    expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
    expect(updated.Outputs).toEqual([{ OutputKey: 'ParamName', OutputValue: '/updates/b' }]);
    const after = (await cfn.send(new CFN.DescribeStackResourcesCommand({ StackName: 'updates' }))).StackResources!;
    expect(after.map((r) => r.LogicalResourceId).sort()).toEqual(['Bucket', 'Param']);
    expect(after.find((r) => r.LogicalResourceId === 'Bucket')!.PhysicalResourceId).toBe(bucket);
    expect((await s3.send(new S3.GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toEqual([{ Key: 'v', Value: '2' }]);
    // Name is a replacement property: a new parameter, and the old one deleted in cleanup.
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/updates/b' }))).Parameter!.Value).toBe('two');
    await expect(ssm.send(new SSM.GetParameterCommand({ Name: '/updates/a' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    const statuses = (await events('updates')).map((e) => `${e.LogicalResourceId}:${e.ResourceStatus}`);
    expect(statuses.slice(statuses.indexOf('updates:UPDATE_IN_PROGRESS'))).toEqual(
      expect.arrayContaining(['Param:UPDATE_IN_PROGRESS', 'Param:UPDATE_COMPLETE', 'Bucket:UPDATE_COMPLETE', 'updates:UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'Extra:DELETE_COMPLETE', 'Param:DELETE_COMPLETE', 'updates:UPDATE_COMPLETE']),
    );
  });

  it('rolls a failed update back to the previous resources (UPDATE_ROLLBACK_COMPLETE)', async () => {
    const tpl = (value: string, broken: boolean) =>
      JSON.stringify({
        Resources: {
          Keep: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/rollback/keep', Type: 'String', Value: value } },
          ...(broken ? { Broken: { Type: 'AWS::S3::Bucket', DependsOn: 'Keep', Properties: { BucketName: 'Invalid_Bucket_Name' } } } : {}),
        },
      });
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'rollback', TemplateBody: tpl('v1', false) }));
    expect((await settle('rollback')).StackStatus).toBe('CREATE_COMPLETE');
    await cfn.send(new CFN.UpdateStackCommand({ StackName: 'rollback', TemplateBody: tpl('v2', true) }));
    const stack = await settle('rollback');
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stack.StackStatusReason).toBe('The following resource(s) failed to create: [Broken]. ');
    const failed = (await events('rollback')).find((e) => e.LogicalResourceId === 'Broken' && e.ResourceStatus === 'CREATE_FAILED')!;
    expect(failed.ResourceStatusReason).toMatch(/InvalidBucketName/);
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/rollback/keep' }))).Parameter!.Value).toBe('v1');
    expect(JSON.parse((await cfn.send(new CFN.GetTemplateCommand({ StackName: 'rollback' }))).TemplateBody!)).toEqual(JSON.parse(tpl('v1', false)));
    // An UPDATE_ROLLBACK_COMPLETE stack can be updated again.
    await cfn.send(new CFN.UpdateStackCommand({ StackName: 'rollback', TemplateBody: tpl('v3', false) }));
    expect((await settle('rollback')).StackStatus).toBe('UPDATE_COMPLETE');
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/rollback/keep' }))).Parameter!.Value).toBe('v3');
  });

  it('reviews change sets: CREATE for a new stack, then an UPDATE that shows replacements', async () => {
    const tpl = (name: string, value: string) =>
      JSON.stringify({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Name: name, Type: 'String', Value: value } }, Q: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'q' } } } });
    const created = await cfn.send(new CFN.CreateChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'first', ChangeSetType: 'CREATE', TemplateBody: tpl('/reviewed/p', '1') }));
    expect(created.Id).toMatch(/:changeSet\/first\//);
    expect((await cfn.send(new CFN.DescribeStacksCommand({ StackName: 'reviewed' }))).Stacks![0].StackStatus).toBe('REVIEW_IN_PROGRESS');
    await CFN.waitUntilChangeSetCreateComplete({ client: cfn, maxWaitTime: 20, minDelay: 1 }, { StackName: 'reviewed', ChangeSetName: 'first' });
    const cs = await cfn.send(new CFN.DescribeChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'first' }));
    expect(cs).toMatchObject({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', ChangeSetName: 'first' });
    expect(cs.Changes!.map((c) => [c.ResourceChange!.Action, c.ResourceChange!.LogicalResourceId])).toEqual([['Add', 'P'], ['Add', 'Q']]);
    await cfn.send(new CFN.ExecuteChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'first' }));
    await CFN.waitUntilStackCreateComplete({ client: cfn, maxWaitTime: 20, minDelay: 1 }, { StackName: 'reviewed' });
    const evs = await events('reviewed');
    expect(evs.slice(0, 2).map((e) => [e.ResourceStatus, e.ResourceStatusReason])).toEqual([['REVIEW_IN_PROGRESS', 'User Initiated'], ['CREATE_IN_PROGRESS', 'User Initiated']]);

    await cfn.send(new CFN.CreateChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'second', TemplateBody: tpl('/reviewed/renamed', '2') }));
    await CFN.waitUntilChangeSetCreateComplete({ client: cfn, maxWaitTime: 20, minDelay: 1 }, { StackName: 'reviewed', ChangeSetName: 'second' });
    const second = await cfn.send(new CFN.DescribeChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'second' }));
    expect(second.Changes).toHaveLength(1);
    expect(second.Changes![0].ResourceChange).toMatchObject({ Action: 'Modify', LogicalResourceId: 'P', Replacement: 'True', Scope: ['Properties'] });
    expect(second.Changes![0].ResourceChange!.Details!.map((d) => [d.Target!.Name, d.Target!.RequiresRecreation])).toEqual([['Name', 'Always'], ['Value', 'Never']]);
    const list = await cfn.send(new CFN.ListChangeSetsCommand({ StackName: 'reviewed' }));
    expect(list.Summaries!.map((s) => s.ChangeSetName).sort()).toEqual(['first', 'second']);
    // A change set with nothing to do fails, as AWS reports it.
    await cfn.send(new CFN.CreateChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'nothing', TemplateBody: tpl('/reviewed/p', '1') }));
    await expect(CFN.waitUntilChangeSetCreateComplete({ client: cfn, maxWaitTime: 20, minDelay: 1 }, { StackName: 'reviewed', ChangeSetName: 'nothing' })).rejects.toThrow();
    const nothing = await cfn.send(new CFN.DescribeChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'nothing' }));
    expect(nothing).toMatchObject({ Status: 'FAILED', StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." });
    await expect(cfn.send(new CFN.ExecuteChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'nothing' }))).rejects.toMatchObject({ name: 'InvalidChangeSetStatusException' });
    await cfn.send(new CFN.DeleteChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'nothing' }));
    await expect(cfn.send(new CFN.DescribeChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'nothing' }))).rejects.toMatchObject({
      name: 'ChangeSetNotFoundException',
      message: 'ChangeSet [nothing] does not exist',
    });
    await cfn.send(new CFN.ExecuteChangeSetCommand({ StackName: 'reviewed', ChangeSetName: 'second' }));
    await CFN.waitUntilStackUpdateComplete({ client: cfn, maxWaitTime: 20, minDelay: 1 }, { StackName: 'reviewed' });
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/reviewed/renamed' }))).Parameter!.Value).toBe('2');
    await expect(ssm.send(new SSM.GetParameterCommand({ Name: '/reviewed/p' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    // Executing a change set deletes the stack's others.
    const after = await cfn.send(new CFN.ListChangeSetsCommand({ StackName: 'reviewed' }));
    expect(after.Summaries!.map((s) => [s.ChangeSetName, s.ExecutionStatus])).toEqual([['second', 'EXECUTE_COMPLETE']]);
  });

  it('shares values through exports; the exporting stack cannot be deleted while they are imported', async () => {
    await cfn.send(
      new CFN.CreateStackCommand({
        StackName: 'exporter',
        TemplateBody: JSON.stringify({
          Resources: { B: { Type: 'AWS::S3::Bucket' } },
          Outputs: { BucketName: { Value: { Ref: 'B' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-bucket' } } } },
        }),
      }),
    );
    expect((await settle('exporter')).StackStatus).toBe('CREATE_COMPLETE');
    await cfn.send(
      new CFN.CreateStackCommand({
        StackName: 'importer',
        TemplateBody: JSON.stringify({
          Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/importer/bucket', Type: 'String', Value: { 'Fn::ImportValue': 'exporter-bucket' } } } },
        }),
      }),
    );
    expect((await settle('importer')).StackStatus).toBe('CREATE_COMPLETE');
    const exports = (await cfn.send(new CFN.ListExportsCommand({}))).Exports!;
    const exp = exports.find((e) => e.Name === 'exporter-bucket')!;
    expect(exp.Value).toMatch(/^exporter-b-[a-z0-9]{12}$/);
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/importer/bucket' }))).Parameter!.Value).toBe(exp.Value);
    expect((await cfn.send(new CFN.ListImportsCommand({ ExportName: 'exporter-bucket' }))).Imports).toEqual(['importer']);
    await expect(cfn.send(new CFN.DeleteStackCommand({ StackName: 'exporter' }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Export exporter-bucket cannot be deleted as it is in use by importer',
    });
    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'importer' }));
    await settle((await cfn.send(new CFN.ListStacksCommand({}))).StackSummaries!.find((s) => s.StackName === 'importer')!.StackId!);
    await expect(cfn.send(new CFN.ListImportsCommand({ ExportName: 'exporter-bucket' }))).rejects.toMatchObject({ message: "Export 'exporter-bucket' is not imported by any stack." });
    const { StackId } = (await cfn.send(new CFN.DescribeStacksCommand({ StackName: 'exporter' }))).Stacks![0];
    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'exporter' }));
    expect((await settle(StackId!)).StackStatus).toBe('DELETE_COMPLETE');
    // A failed import names the export.
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'orphan', TemplateBody: JSON.stringify({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: { 'Fn::ImportValue': 'exporter-bucket' } } } } }) }));
    expect((await settle('orphan')).StackStatus).toBe('ROLLBACK_COMPLETE');
    expect((await events('orphan')).find((e) => e.ResourceStatus === 'CREATE_FAILED')!.ResourceStatusReason).toBe('No export named exporter-bucket found.');
  });

  it('reads templates from the emulated S3 (TemplateURL, path and virtual-host style); IAM needs capabilities', async () => {
    await s3.send(new S3.CreateBucketCommand({ Bucket: 'templates' }));
    const body = yaml`
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]
      Policies:
        - PolicyName: inline
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Action: s3:GetObject, Resource: '*' }] }
Outputs:
  RoleArn: { Value: !GetAtt Role.Arn }
`;
    await s3.send(new S3.PutObjectCommand({ Bucket: 'templates', Key: 'role.yaml', Body: body }));
    await expect(cfn.send(new CFN.CreateStackCommand({ StackName: 'from-url', TemplateURL: `${emu.url}/templates/role.yaml` }))).rejects.toMatchObject({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_IAM]',
    });
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'from-url', TemplateURL: `${emu.url}/templates/role.yaml`, Capabilities: ['CAPABILITY_IAM'] }));
    const stack = await settle('from-url');
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const roleName = (await cfn.send(new CFN.DescribeStackResourceCommand({ StackName: 'from-url', LogicalResourceId: 'Role' }))).StackResourceDetail!.PhysicalResourceId!;
    expect(roleName).toMatch(/^from-url-Role-[A-Z0-9]{12}$/);
    expect(stack.Outputs![0].OutputValue).toBe(`arn:aws:iam::000000000000:role/${roleName}`);
    expect((await iam.send(new IAM.ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies!.map((p) => p.PolicyName)).toEqual(['AWSLambdaBasicExecutionRole']);
    expect((await iam.send(new IAM.ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames).toEqual(['inline']);
    const summary = await cfn.send(new CFN.GetTemplateSummaryCommand({ TemplateURL: `https://templates.s3.amazonaws.com/role.yaml` }));
    expect(summary).toMatchObject({ ResourceTypes: ['AWS::IAM::Role'], Capabilities: ['CAPABILITY_IAM'], Version: '2010-09-09' });
    await expect(cfn.send(new CFN.ValidateTemplateCommand({ TemplateURL: 'ftp://nowhere/x' }))).rejects.toMatchObject({ message: 'TemplateURL must be a supported URL.' });
    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'from-url' }));
    expect((await settle(stack.StackId!)).StackStatus).toBe('DELETE_COMPLETE');
    await expect(iam.send(new IAM.GetRoleCommand({ RoleName: roleName }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('answers the read APIs: ListStacks filters, resources, templates, validation', async () => {
    const deleted = (await cfn.send(new CFN.ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }))).StackSummaries!;
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((s) => s.StackStatus === 'DELETE_COMPLETE' && s.DeletionTime)).toBe(true);
    const r = await cfn.send(new CFN.DescribeStackResourceCommand({ StackName: 'intrinsics', LogicalResourceId: 'First' }));
    expect(r.StackResourceDetail).toMatchObject({ PhysicalResourceId: '/intrinsics/first', ResourceStatus: 'CREATE_COMPLETE', ResourceType: 'AWS::SSM::Parameter' });
    await expect(cfn.send(new CFN.DescribeStackResourceCommand({ StackName: 'intrinsics', LogicalResourceId: 'Nope' }))).rejects.toMatchObject({
      message: 'Resource Nope does not exist for stack intrinsics',
    });
    const byPhysical = await cfn.send(new CFN.DescribeStackResourcesCommand({ PhysicalResourceId: '/intrinsics/first' }));
    expect(byPhysical.StackResources![0].StackName).toBe('intrinsics');
    const processed = await cfn.send(new CFN.GetTemplateCommand({ StackName: 'intrinsics', TemplateStage: 'Processed' }));
    expect(JSON.parse(processed.TemplateBody!).Resources.First.Properties.Name).toEqual({ 'Fn::Sub': '/${AWS::StackName}/first' });
    const valid = await cfn.send(new CFN.ValidateTemplateCommand({ TemplateBody: JSON.stringify({ Parameters: { KeyExample: { Type: 'String', Description: 'The EC2 Key Pair to allow SSH access to the instance' } }, Resources: { A: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x' } } } }) }));
    expect(valid.Parameters).toEqual(snapshot('cloudformation__api__test_templates.snapshot.json', 'test_validate_template', 'validate-template').Parameters);
    await expect(cfn.send(new CFN.ValidateTemplateCommand({ TemplateBody: '{"Resources": {}}' }))).rejects.toMatchObject({
      message: 'Template format error: At least one Resources member must be defined.',
    });
    await expect(cfn.send(new CFN.ValidateTemplateCommand({ TemplateBody: '{"Resources": {"A": {"Properties": {}}}}' }))).rejects.toMatchObject({
      message: 'Template format error: [/Resources/A] Every Resources object must contain a Type member.',
    });
    await expect(cfn.send(new CFN.ValidateTemplateCommand({ TemplateBody: 'Resources:\n  A: [unclosed' }))).rejects.toMatchObject({ message: expect.stringMatching(/^Template format error: YAML not well-formed/) });
    await expect(cfn.send(new CFN.DescribeStacksCommand({ StackName: 'missing' }))).rejects.toMatchObject({ message: 'Stack with id missing does not exist' });
    await expect(cfn.send(new CFN.DescribeStackEventsCommand({ StackName: 'missing' }))).rejects.toMatchObject({ message: 'Stack [missing] does not exist' });
    await expect(
      cfn.send(new CFN.CreateStackCommand({ StackName: 'cycle', TemplateBody: JSON.stringify({ Resources: { A: { Type: 'AWS::SSM::Parameter', DependsOn: 'B' }, B: { Type: 'AWS::SSM::Parameter', DependsOn: 'A' } } }) })),
    ).rejects.toMatchObject({ message: expect.stringMatching(/^Circular dependency between resources: \[/) });
  });

  it('keeps the old resource on replacement with UpdateReplacePolicy Retain; termination protection blocks deletes', async () => {
    const tpl = (name: string) =>
      JSON.stringify({ Resources: { P: { Type: 'AWS::SSM::Parameter', UpdateReplacePolicy: 'Retain', Properties: { Name: name, Type: 'String', Value: 'v' } } } });
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'replace-retain', TemplateBody: tpl('/rr/old'), EnableTerminationProtection: true }));
    expect((await settle('replace-retain')).StackStatus).toBe('CREATE_COMPLETE');
    await cfn.send(new CFN.UpdateStackCommand({ StackName: 'replace-retain', TemplateBody: tpl('/rr/new') }));
    expect((await settle('replace-retain')).StackStatus).toBe('UPDATE_COMPLETE');
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/rr/old' }))).Parameter!.Value).toBe('v');
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/rr/new' }))).Parameter!.Value).toBe('v');
    await expect(cfn.send(new CFN.DeleteStackCommand({ StackName: 'replace-retain' }))).rejects.toMatchObject({
      message: 'Stack [replace-retain] cannot be deleted while TerminationProtection is enabled',
    });
    await cfn.send(new CFN.UpdateTerminationProtectionCommand({ StackName: 'replace-retain', EnableTerminationProtection: false }));
    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'replace-retain' }));
    await expect(ssm.send(new SSM.GetParameterCommand({ Name: '/rr/new' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });

  it('keeps DeletionPolicy Retain resources when the stack goes', async () => {
    await cfn.send(
      new CFN.CreateStackCommand({
        StackName: 'retainer',
        TemplateBody: JSON.stringify({ Resources: { Kept: { Type: 'AWS::SSM::Parameter', DeletionPolicy: 'Retain', Properties: { Name: '/retainer/kept', Type: 'String', Value: 'stays' } } } }),
      }),
    );
    const { StackId } = await settle('retainer');
    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'retainer' }));
    expect((await settle(StackId!)).StackStatus).toBe('DELETE_COMPLETE');
    expect((await cfn.send(new CFN.DescribeStackEventsCommand({ StackName: StackId }))).StackEvents!.some((e) => e.ResourceStatus === 'DELETE_SKIPPED')).toBe(true);
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/retainer/kept' }))).Parameter!.Value).toBe('stays');
  });

  it('deploys Lambda, Logs, SQS and SES resources through their services, and deletes them', async () => {
    const template = {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
            ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
          },
        },
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: 'nodejs20.x',
            Handler: 'index.handler',
            Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
            Code: { ZipFile: 'exports.handler = async (e) => ({ echo: e, queue: process.env.QUEUE_URL });' },
            Environment: { Variables: { QUEUE_URL: { Ref: 'Queue' } } },
            Timeout: 10,
          },
        },
        Version: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'Fn' } } },
        Alias: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, FunctionVersion: { 'Fn::GetAtt': ['Version', 'Version'] }, Name: 'live' } },
        Permission: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { Ref: 'Fn' }, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' } },
        InvokeConfig: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Fn' }, Qualifier: '$LATEST', MaximumRetryAttempts: 1 } },
        Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: { 'Fn::Sub': '/aws/lambda/${Fn}' }, RetentionInDays: 7 } },
        Dlq: { Type: 'AWS::SQS::Queue' },
        Queue: {
          Type: 'AWS::SQS::Queue',
          Properties: { VisibilityTimeout: 60, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 3 } },
        },
        QueuePolicy: {
          Type: 'AWS::SQS::QueuePolicy',
          Properties: {
            Queues: [{ Ref: 'Queue' }],
            PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] },
          },
        },
        Sender: { Type: 'AWS::SES::EmailIdentity', Properties: { EmailIdentity: 'noreply@example.com' } },
      },
      Outputs: { QueueUrl: { Value: { Ref: 'Queue' } }, AliasArn: { Value: { Ref: 'Alias' } }, FnArn: { Value: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
    };
    await cfn.send(new CFN.CreateStackCommand({ StackName: 'services', TemplateBody: JSON.stringify(template), Capabilities: ['CAPABILITY_IAM'] }));
    const stack = await settle('services');
    const failure = (await events('services')).find((e) => e.ResourceStatus === 'CREATE_FAILED');
    expect(stack.StackStatus, failure?.ResourceStatusReason).toBe('CREATE_COMPLETE');
    const out = Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
    const fnName = out.FnArn!.split(':').pop()!;
    expect(fnName).toMatch(/^services-Fn-[A-Z0-9]{12}$/);
    expect(out.AliasArn).toBe(`${out.FnArn}:live`);
    expect(out.QueueUrl).toMatch(/\/000000000000\/services-Queue-[A-Z0-9]{12}$/);
    const lambda = new Lambda.LambdaClient(emu.config());
    const res = await lambda.send(new Lambda.InvokeCommand({ FunctionName: `${fnName}:live`, Payload: Buffer.from('{"a":1}') }));
    expect(JSON.parse(Buffer.from(res.Payload!).toString())).toEqual({ echo: { a: 1 }, queue: out.QueueUrl });
    expect(JSON.parse((await lambda.send(new Lambda.GetPolicyCommand({ FunctionName: fnName }))).Policy!).Statement[0].Principal).toEqual({ Service: 's3.amazonaws.com' });
    expect((await lambda.send(new Lambda.GetFunctionEventInvokeConfigCommand({ FunctionName: fnName }))).MaximumRetryAttempts).toBe(1);
    const logs = new Logs.CloudWatchLogsClient(emu.config());
    const groups = (await logs.send(new Logs.DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${fnName}` }))).logGroups!;
    expect(groups[0]).toMatchObject({ logGroupName: `/aws/lambda/${fnName}`, retentionInDays: 7 });
    const sqs = new SQS.SQSClient(emu.config());
    const attrs = (await sqs.send(new SQS.GetQueueAttributesCommand({ QueueUrl: out.QueueUrl, AttributeNames: ['All'] }))).Attributes!;
    expect(attrs.VisibilityTimeout).toBe('60');
    expect(JSON.parse(attrs.RedrivePolicy!).maxReceiveCount).toBe(3);
    expect(JSON.parse(attrs.Policy!).Statement[0].Action).toBe('sqs:SendMessage');

    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'services' }));
    const gone = await settle(stack.StackId!);
    expect(gone.StackStatus, (await events(stack.StackId!)).find((e) => e.ResourceStatus === 'DELETE_FAILED')?.ResourceStatusReason).toBe('DELETE_COMPLETE');
    await expect(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: fnName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(sqs.send(new SQS.GetQueueUrlCommand({ QueueName: out.QueueUrl!.split('/').pop() }))).rejects.toThrow();
  });

  it('expands SAM APIs: Api and HttpApi events make the implicit APIs, stages and permissions', async () => {
    const body = yaml`Transform: AWS::Serverless-2016-10-31
Resources:
  Items:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://artifacts/code.zip
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        List:
          Type: Api
          Properties: { Path: /items, Method: get }
        Http:
          Type: HttpApi
          Properties: { Path: '/items/{id}', Method: GET }
`;
    await cfn.send(new CFN.CreateChangeSetCommand({ StackName: 'sam-api', ChangeSetName: 'review', ChangeSetType: 'CREATE', TemplateBody: body, Capabilities: ['CAPABILITY_IAM'] }));
    const processed = JSON.parse((await cfn.send(new CFN.GetTemplateCommand({ StackName: 'sam-api', ChangeSetName: 'review', TemplateStage: 'Processed' }))).TemplateBody!);
    const types = Object.fromEntries(Object.entries(processed.Resources as Record<string, { Type: string }>).map(([id, r]) => [id.replace(/Deployment[0-9a-f]{10}$/, 'Deployment'), r.Type]));
    expect(types).toEqual({
      Items: 'AWS::Lambda::Function',
      ItemsRole: 'AWS::IAM::Role',
      ServerlessRestApi: 'AWS::ApiGateway::RestApi',
      ServerlessRestApiDeployment: 'AWS::ApiGateway::Deployment',
      ServerlessRestApiProdStage: 'AWS::ApiGateway::Stage',
      ItemsListPermissionProd: 'AWS::Lambda::Permission',
      ServerlessHttpApi: 'AWS::ApiGatewayV2::Api',
      ServerlessHttpApiApiGatewayDefaultStage: 'AWS::ApiGatewayV2::Stage',
      ItemsHttpPermission: 'AWS::Lambda::Permission',
    });
    expect(processed.Resources.ServerlessRestApi.Properties.Body.paths['/items'].get['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws_proxy', httpMethod: 'POST' });
    expect(processed.Resources.ServerlessHttpApi.Properties.Body.paths['/items/{id}'].get['x-amazon-apigateway-integration'].payloadFormatVersion).toBe('2.0');
    expect(processed.Resources.Items.Properties.Code).toEqual({ S3Bucket: 'artifacts', S3Key: 'code.zip' });
    const original = (await cfn.send(new CFN.GetTemplateCommand({ StackName: 'sam-api', ChangeSetName: 'review' }))).TemplateBody;
    expect(original).toBe(body);
    await expect(
      cfn.send(new CFN.ValidateTemplateCommand({ TemplateBody: 'Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: { Handler: a.b, Runtime: nodejs20.x }\n' })),
    ).rejects.toMatchObject({ message: expect.stringMatching(/Either 'InlineCode' or 'CodeUri' must be set/) });
    await cfn.send(new CFN.DeleteStackCommand({ StackName: 'sam-api' }));
  });
});
