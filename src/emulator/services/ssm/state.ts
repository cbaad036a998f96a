import type { RequestContext } from '../../core/service.js';

export interface SsmParameterVersion {
  Value: string;
  Version: number;
  LastModifiedDate: string;
  Description?: string;
  Labels: string[];
}

export interface SsmParameter {
  Name: string;
  Type: 'String' | 'StringList' | 'SecureString';
  Value: string;
  Version: number;
  LastModifiedDate: string;
  ARN: string;
  DataType: string;
  Description?: string;
  AllowedPattern?: string;
  Tier: 'Standard' | 'Advanced' | 'Intelligent-Tiering';
  KeyId?: string;
  Tags: { Key: string; Value: string }[];
  history: SsmParameterVersion[];
}

export interface SsmState {
  parameters: Record<string, SsmParameter>;
}

export const initialSsmState = (): SsmState => ({ parameters: {} });

export const ssmState = (ctx: Pick<RequestContext, 'emulator' | 'accountId' | 'region'>): SsmState =>
  ctx.emulator.stateFor<SsmState>('ssm', ctx.accountId, ctx.region);
