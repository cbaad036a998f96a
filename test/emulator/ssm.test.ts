import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as SSM from '@aws-sdk/client-ssm';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
let ssm: SSM.SSMClient;

beforeAll(async () => {
  emu = await startTestEmulator();
  ssm = new SSM.SSMClient(emu.config());
});
afterAll(() => emu?.close());

describe('SSM Parameter Store', () => {
  it('puts, versions, reads, lists by path and deletes parameters', async () => {
    expect(await ssm.send(new SSM.PutParameterCommand({ Name: '/app/db/host', Value: 'db.local', Type: 'String' }))).toMatchObject({ Version: 1, Tier: 'Standard' });
    await expect(ssm.send(new SSM.PutParameterCommand({ Name: '/app/db/host', Value: 'x', Type: 'String' }))).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
    expect((await ssm.send(new SSM.PutParameterCommand({ Name: '/app/db/host', Value: 'db2.local', Overwrite: true }))).Version).toBe(2);
    await ssm.send(new SSM.PutParameterCommand({ Name: '/app/db/password', Value: 'hunter2', Type: 'SecureString' }));
    await ssm.send(new SSM.PutParameterCommand({ Name: '/app/flags', Value: 'a,b', Type: 'StringList' }));
    const p = (await ssm.send(new SSM.GetParameterCommand({ Name: '/app/db/host' }))).Parameter!;
    expect(p).toMatchObject({ Name: '/app/db/host', Value: 'db2.local', Version: 2, Type: 'String', ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host', DataType: 'text' });
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/app/db/host:1' }))).Parameter!.Value).toBe('db.local');
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/app/db/password' }))).Parameter!.Value).not.toBe('hunter2');
    expect((await ssm.send(new SSM.GetParameterCommand({ Name: '/app/db/password', WithDecryption: true }))).Parameter!.Value).toBe('hunter2');
    const many = await ssm.send(new SSM.GetParametersCommand({ Names: ['/app/flags', '/nope'] }));
    expect(many.Parameters!.map((x) => x.Value)).toEqual(['a,b']);
    expect(many.InvalidParameters).toEqual(['/nope']);
    const shallow = await ssm.send(new SSM.GetParametersByPathCommand({ Path: '/app' }));
    expect(shallow.Parameters!.map((x) => x.Name)).toEqual(['/app/flags']);
    const deep = await ssm.send(new SSM.GetParametersByPathCommand({ Path: '/app/', Recursive: true, WithDecryption: true }));
    expect(deep.Parameters!.map((x) => [x.Name, x.Value])).toEqual([['/app/db/host', 'db2.local'], ['/app/db/password', 'hunter2'], ['/app/flags', 'a,b']]);
    const history = await ssm.send(new SSM.GetParameterHistoryCommand({ Name: '/app/db/host' }));
    expect(history.Parameters!.map((h) => h.Value)).toEqual(['db.local', 'db2.local']);
    const described = await ssm.send(new SSM.DescribeParametersCommand({ ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }] }));
    expect(described.Parameters!.map((d) => d.Name)).toEqual(['/app/db/password']);
    await ssm.send(new SSM.DeleteParameterCommand({ Name: '/app/flags' }));
    await expect(ssm.send(new SSM.GetParameterCommand({ Name: '/app/flags' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    await expect(ssm.send(new SSM.DeleteParameterCommand({ Name: '/app/flags' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
    const del = await ssm.send(new SSM.DeleteParametersCommand({ Names: ['/app/db/host', '/missing'] }));
    expect(del).toMatchObject({ DeletedParameters: ['/app/db/host'], InvalidParameters: ['/missing'] });
    await expect(ssm.send(new SSM.PutParameterCommand({ Name: 'aws-reserved', Value: 'x', Type: 'String' }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(ssm.send(new SSM.PutParameterCommand({ Name: 'p', Value: 'abc', Type: 'String', AllowedPattern: '^\\d+$' }))).rejects.toMatchObject({ name: 'ParameterPatternMismatchException' });
  });
});
