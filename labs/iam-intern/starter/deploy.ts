import { writeFileSync } from 'node:fs';
import { CreateGroupCommand, IAMClient, PutGroupPolicyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const iam = new IAMClient({});
const account = (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Account!;

// The group, if it is not there yet.
await iam.send(new CreateGroupCommand({ GroupName: 'interns' })).catch((e) => {
  if (e.name !== 'EntityAlreadyExistsException') throw e;
});

// TODO: the policy's statements: Lambda on intern-* functions, reading their logs, and an explicit
// Deny on cognito-idp:* and cognito-identity:*.
const policy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'lambda:GetFunction', Resource: `arn:aws:lambda:*:${account}:function:TODO` },
  ],
};
await iam.send(new PutGroupPolicyCommand({ GroupName: 'interns', PolicyName: 'intern-access', PolicyDocument: JSON.stringify(policy) }));

// TODO: create the user "intern" and add them to the group (AddUserToGroupCommand).
// TODO: create an access key for the intern (CreateAccessKeyCommand) and save it:
writeFileSync('intern-credentials.json', JSON.stringify({ AccessKeyId: 'TODO', SecretAccessKey: 'TODO' }, null, 2));
