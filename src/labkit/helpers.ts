/**
 * Helpers for deploy scripts and checkers: the chores that are not what a lab teaches.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until a function's State is Active and its last update Successful, as AWS's waiters do. */
export async function waitForFunctionActive(lambda: LambdaClient, functionName: string, timeoutMs = 30_000): Promise<void> {
  const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');
  const end = Date.now() + timeoutMs;
  for (;;) {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    if (c.State === 'Failed' || c.LastUpdateStatus === 'Failed') {
      throw new Error(`Function ${functionName} failed to become active: ${c.StateReason ?? c.LastUpdateStatusReason}`);
    }
    if (c.State === 'Active' && (c.LastUpdateStatus ?? 'Successful') === 'Successful') return;
    if (Date.now() > end) throw new Error(`Function ${functionName} is still ${c.State}/${c.LastUpdateStatus} after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** Decodes a Lambda Invoke payload (Uint8Array of JSON) into a value. */
export function decodePayload(payload: Uint8Array | undefined): unknown {
  if (!payload || payload.length === 0) return undefined;
  const text = new TextDecoder().decode(payload);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const encodePayload = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** Repeats an async test until it returns a value (or the time is up): for things that happen in the background. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, everyMs = 100): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return undefined;
    await sleep(everyMs);
  }
}

type IAMClientType = import('@aws-sdk/client-iam').IAMClient;

/** Deletes a role with everything that blocks deleting it (attached and inline policies, instance profiles). Missing is fine. */
export async function deleteRoleCompletely(iam: IAMClientType, roleName: string): Promise<void> {
  const m = await import('@aws-sdk/client-iam');
  const ignore = () => undefined;
  const attached = await iam.send(new m.ListAttachedRolePoliciesCommand({ RoleName: roleName })).catch(ignore);
  if (!attached) return;
  for (const p of attached.AttachedPolicies ?? []) await iam.send(new m.DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p.PolicyArn })).catch(ignore);
  for (const name of (await iam.send(new m.ListRolePoliciesCommand({ RoleName: roleName })).catch(ignore))?.PolicyNames ?? []) {
    await iam.send(new m.DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name })).catch(ignore);
  }
  for (const ip of (await iam.send(new m.ListInstanceProfilesForRoleCommand({ RoleName: roleName })).catch(ignore))?.InstanceProfiles ?? []) {
    await iam.send(new m.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: ip.InstanceProfileName, RoleName: roleName })).catch(ignore);
  }
  await iam.send(new m.DeleteRoleCommand({ RoleName: roleName })).catch(ignore);
}

/** Deletes a user with its keys, policies, group memberships and login profile. Missing is fine. */
export async function deleteUserCompletely(iam: IAMClientType, userName: string): Promise<void> {
  const m = await import('@aws-sdk/client-iam');
  const ignore = () => undefined;
  const keys = await iam.send(new m.ListAccessKeysCommand({ UserName: userName })).catch(ignore);
  if (!keys) return;
  for (const k of keys.AccessKeyMetadata ?? []) await iam.send(new m.DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: k.AccessKeyId })).catch(ignore);
  for (const p of (await iam.send(new m.ListAttachedUserPoliciesCommand({ UserName: userName })).catch(ignore))?.AttachedPolicies ?? []) {
    await iam.send(new m.DetachUserPolicyCommand({ UserName: userName, PolicyArn: p.PolicyArn })).catch(ignore);
  }
  for (const name of (await iam.send(new m.ListUserPoliciesCommand({ UserName: userName })).catch(ignore))?.PolicyNames ?? []) {
    await iam.send(new m.DeleteUserPolicyCommand({ UserName: userName, PolicyName: name })).catch(ignore);
  }
  for (const g of (await iam.send(new m.ListGroupsForUserCommand({ UserName: userName })).catch(ignore))?.Groups ?? []) {
    await iam.send(new m.RemoveUserFromGroupCommand({ GroupName: g.GroupName, UserName: userName })).catch(ignore);
  }
  await iam.send(new m.DeleteLoginProfileCommand({ UserName: userName })).catch(ignore);
  await iam.send(new m.DeleteUserCommand({ UserName: userName })).catch(ignore);
}

/** Deletes a group with its policies and members' memberships. Missing is fine. */
export async function deleteGroupCompletely(iam: IAMClientType, groupName: string): Promise<void> {
  const m = await import('@aws-sdk/client-iam');
  const ignore = () => undefined;
  const group = await iam.send(new m.GetGroupCommand({ GroupName: groupName })).catch(ignore);
  if (!group) return;
  for (const u of group.Users ?? []) await iam.send(new m.RemoveUserFromGroupCommand({ GroupName: groupName, UserName: u.UserName })).catch(ignore);
  for (const p of (await iam.send(new m.ListAttachedGroupPoliciesCommand({ GroupName: groupName })).catch(ignore))?.AttachedPolicies ?? []) {
    await iam.send(new m.DetachGroupPolicyCommand({ GroupName: groupName, PolicyArn: p.PolicyArn })).catch(ignore);
  }
  for (const name of (await iam.send(new m.ListGroupPoliciesCommand({ GroupName: groupName })).catch(ignore))?.PolicyNames ?? []) {
    await iam.send(new m.DeleteGroupPolicyCommand({ GroupName: groupName, PolicyName: name })).catch(ignore);
  }
  await iam.send(new m.DeleteGroupCommand({ GroupName: groupName })).catch(ignore);
}
