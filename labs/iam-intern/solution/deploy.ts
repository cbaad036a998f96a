import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AddUserToGroupCommand, CreateAccessKeyCommand, CreateGroupCommand, CreateUserCommand, IAMClient, PutGroupPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const iam = new IAMClient({});
const account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account!;
const exists = (e: { name?: string }) => {
  if (e.name !== 'EntityAlreadyExistsException') throw e;
};

await iam.send(new CreateGroupCommand({ GroupName: 'interns' })).catch(exists);
const policy = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'InternFunctions', Effect: 'Allow', Action: 'lambda:*', Resource: `arn:aws:lambda:*:${account}:function:intern-*` },
    {
      Sid: 'InternLogs',
      Effect: 'Allow',
      Action: ['logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:DescribeLogStreams'],
      Resource: `arn:aws:logs:*:${account}:log-group:/aws/lambda/intern-*`,
    },
    { Sid: 'NoCognito', Effect: 'Deny', Action: ['cognito-idp:*', 'cognito-identity:*'], Resource: '*' },
  ],
};
await iam.send(new PutGroupPolicyCommand({ GroupName: 'interns', PolicyName: 'intern-access', PolicyDocument: JSON.stringify(policy) }));

await iam.send(new CreateUserCommand({ UserName: 'intern' })).catch(exists);
await iam.send(new AddUserToGroupCommand({ GroupName: 'interns', UserName: 'intern' }));

// One key is enough: make it once, keep it in the file.
if (!existsSync('intern-credentials.json') || JSON.parse(readFileSync('intern-credentials.json', 'utf8')).AccessKeyId === 'TODO') {
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'intern' }));
  writeFileSync('intern-credentials.json', JSON.stringify({ AccessKeyId: AccessKey!.AccessKeyId, SecretAccessKey: AccessKey!.SecretAccessKey }, null, 2));
}
console.log('interns group, intern user and key ready');
