/** Who made a request, as resolved from its access key. */
export type Principal =
  | RootPrincipal
  | UserPrincipal
  | AssumedRolePrincipal
  | FederatedUserPrincipal
  | AnonymousPrincipal
  | ServicePrincipal;

interface Base {
  accountId: string;
  arn: string;
  /** aws:userid as AWS sets it. */
  userId: string;
  accessKeyId?: string;
}

/** The account root: the default `test` keys, or any 12-digit key. Never evaluated against policies. */
export interface RootPrincipal extends Base {
  type: 'root';
}

export interface UserPrincipal extends Base {
  type: 'user';
  userName: string;
  /** Set when the credentials came from GetSessionToken. */
  session?: boolean;
}

export interface AssumedRolePrincipal extends Base {
  type: 'assumed-role';
  roleName: string;
  roleId: string;
  roleArn: string;
  sessionName: string;
  /** Session policy passed to AssumeRole*, which narrows the role's permissions. */
  sessionPolicy?: string;
  /** For web-identity sessions: the condition keys of the token (aud, sub, amr...). */
  webIdentity?: Record<string, string | string[]>;
  expiration: number;
}

export interface FederatedUserPrincipal extends Base {
  type: 'federated-user';
  federatedName: string;
  expiration: number;
  /** The IAM user that called GetFederationToken (none for the account root). */
  parentUser?: string;
  sessionPolicy: string;
}

export interface AnonymousPrincipal extends Base {
  type: 'anonymous';
}

/** The emulator acting for a service (CloudFormation creating resources, Lambda delivering to a destination). */
export interface ServicePrincipal extends Base {
  type: 'service';
  service: string;
}

export const rootPrincipal = (accountId: string, accessKeyId?: string): RootPrincipal => ({
  type: 'root',
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  userId: accountId,
  accessKeyId,
});

export const anonymousPrincipal = (accountId = '000000000000'): AnonymousPrincipal => ({
  type: 'anonymous',
  accountId,
  arn: '*',
  userId: 'anonymous',
});

export const servicePrincipal = (accountId: string, service = 'awslings.internal'): ServicePrincipal => ({
  type: 'service',
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  userId: accountId,
  service,
});

/** Whether requests by this principal are checked against IAM policies. */
export const isEnforced = (p: Principal): boolean =>
  p.type === 'user' || p.type === 'assumed-role' || p.type === 'federated-user';
