import type {
  CreateKeyPairRequest,
  KeyPair,
  DeleteKeyPairRequest,
  DeleteKeyPairResult,
  DescribeKeyPairsRequest,
  DescribeKeyPairsResult,
  ImportKeyPairRequest,
  ImportKeyPairResult,
} from '@aws-sdk/client-ec2';
import { createHash, createHmac, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { applyTagSpecifications, ec2Id, invalidParameterValue, nowIso, tagList, tagsOf } from './common.js';
import { applyFilters } from './filters.js';
import { ec2State, type Ec2State, type KeyPairRec } from './state.js';

const generate = promisify(generateKeyPair);

// --- SSH wire encoding (RFC 4251): the formats of OpenSSH and PuTTY keys are built from these ---

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const sshString = (data: Buffer | string) => {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([u32(b.length), b]);
};
/** A non-negative integer in two's complement: a leading zero byte when the high bit is set. */
const mpint = (b: Buffer) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return sshString(v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
};
const b64u = (s: string) => Buffer.from(s, 'base64url');

function readSshStrings(blob: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (off < blob.length) {
    if (off + 4 > blob.length) throw new Error('truncated');
    const len = blob.readUInt32BE(off);
    off += 4;
    if (off + len > blob.length) throw new Error('truncated');
    out.push(blob.subarray(off, off + len));
    off += len;
  }
  return out;
}

const wrap = (text: string, width: number) => text.match(new RegExp(`.{1,${width}}`, 'g'))!.join('\n');
const colonHex = (digest: Buffer) => [...digest].map((b) => b.toString(16).padStart(2, '0')).join(':');

interface Material {
  type: 'rsa' | 'ed25519';
  /** The public key in SSH wire format. */
  blob: Buffer;
  publicKey: KeyObject;
}

function sshBlob(key: KeyObject): Material {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty === 'RSA') return { type: 'rsa', blob: Buffer.concat([sshString('ssh-rsa'), mpint(b64u(jwk.e!)), mpint(b64u(jwk.n!))]), publicKey: key };
  return { type: 'ed25519', blob: Buffer.concat([sshString('ssh-ed25519'), sshString(b64u(jwk.x!))]), publicKey: key };
}

const openSshPublic = (m: Material, comment: string) => `${m.type === 'rsa' ? 'ssh-rsa' : 'ssh-ed25519'} ${m.blob.toString('base64')} ${comment}`;

/** OpenSSH's own private key format, which AWS uses for ED25519 keys. */
function openSshPrivate(priv: KeyObject, m: Material, comment: string): string {
  const jwk = priv.export({ format: 'jwk' });
  const seed = b64u(jwk.d!);
  const pub = b64u(jwk.x!);
  const check = randomBytes(4);
  let section = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const pad: number[] = [];
  for (let i = 1; (section.length + pad.length) % 8 !== 0; i++) pad.push(i);
  section = Buffer.concat([section, Buffer.from(pad)]);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), u32(1), sshString(m.blob), sshString(section)]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(body.toString('base64'), 70)}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** PuTTY's format (version 3, unencrypted: the MAC key is empty). */
function puttyPrivate(priv: KeyObject, m: Material, comment: string): string {
  const jwk = priv.export({ format: 'jwk' });
  const algorithm = m.type === 'rsa' ? 'ssh-rsa' : 'ssh-ed25519';
  const privateBlob =
    m.type === 'rsa'
      ? Buffer.concat([mpint(b64u(jwk.d!)), mpint(b64u(jwk.p!)), mpint(b64u(jwk.q!)), mpint(b64u(jwk.qi!))])
      : sshString(b64u(jwk.d!));
  const mac = createHmac('sha256', Buffer.alloc(0))
    .update(Buffer.concat([sshString(algorithm), sshString('none'), sshString(comment), sshString(m.blob), sshString(privateBlob)]))
    .digest('hex');
  const pubLines = wrap(m.blob.toString('base64'), 64).split('\n');
  const privLines = wrap(privateBlob.toString('base64'), 64).split('\n');
  return [
    `PuTTY-User-Key-File-3: ${algorithm}`,
    'Encryption: none',
    `Comment: ${comment}`,
    `Public-Lines: ${pubLines.length}`,
    ...pubLines,
    `Private-Lines: ${privLines.length}`,
    ...privLines,
    `Private-MAC: ${mac}`,
    '',
  ].join('\n');
}

/**
 * Fingerprints as AWS computes them: ED25519 keys, the base64 SHA-256 of the public key; RSA keys
 * AWS made, the SHA-1 of the PKCS#8 private key; imported RSA keys, the MD5 of the public key (DER).
 */
function fingerprint(m: Material, privateKey?: KeyObject): string {
  if (m.type === 'ed25519') return createHash('sha256').update(m.blob).digest('base64');
  if (privateKey) return colonHex(createHash('sha1').update(privateKey.export({ type: 'pkcs8', format: 'der' })).digest());
  return colonHex(createHash('md5').update(m.publicKey.export({ type: 'spki', format: 'der' })).digest());
}

/** The public key formats ImportKeyPair accepts: OpenSSH, RFC 4716 (SSH2) and PEM/DER SubjectPublicKeyInfo. */
function parsePublicKey(raw: Uint8Array): Material {
  const text = Buffer.from(raw).toString('utf8').trim();
  const fail = () => new AwsError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format', 400);
  let blob: Buffer | undefined;
  const openssh = /^(ssh-rsa|ssh-ed25519)\s+([A-Za-z0-9+/=]+)(\s.*)?$/.exec(text);
  if (openssh) blob = Buffer.from(openssh[2], 'base64');
  else if (text.startsWith('---- BEGIN SSH2 PUBLIC KEY ----')) {
    const body = text.split(/\r?\n/).filter((l) => !l.startsWith('----') && !/^[\w-]+:/.test(l) && !l.endsWith('\\'));
    blob = Buffer.from(body.join(''), 'base64');
  }
  try {
    if (blob) {
      const parts = readSshStrings(blob);
      const kind = parts[0]?.toString();
      if (kind === 'ssh-rsa' && parts.length === 3) {
        const key = createPublicKey({ key: { kty: 'RSA', e: parts[1].toString('base64url'), n: parts[2].toString('base64url') }, format: 'jwk' });
        return checkRsaSize(sshBlob(key));
      }
      if (kind === 'ssh-ed25519' && parts.length === 2 && parts[1].length === 32) {
        return sshBlob(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: parts[1].toString('base64url') }, format: 'jwk' }));
      }
      throw fail();
    }
    const key = text.startsWith('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: Buffer.from(raw), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ed25519') throw fail();
    return key.asymmetricKeyType === 'rsa' ? checkRsaSize(sshBlob(key)) : sshBlob(key);
  } catch (e) {
    if (e instanceof AwsError) throw e;
    throw fail();
  }
}

function checkRsaSize(m: Material): Material {
  const bits = m.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 1024 || bits > 4096) throw invalidParameterValue(`Invalid RSA key length ${bits}: RSA keys must be 1024, 2048, 3072 or 4096 bits.`);
  return m;
}

function checkName(state: Ec2State, name: string | undefined): string {
  if (!name || name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) throw invalidParameterValue(`Value (${name}) for parameter keyName is invalid. Length exceeds maximum of 255 or contains non-ASCII characters.`);
  if (state.keyPairs[name]) throw new AwsError('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`, 400);
  return name;
}

export const CreateKeyPair = operation<CreateKeyPairRequest, KeyPair>({
  async handler(input, ctx) {
    const state = ec2State(ctx);
    const name = checkName(state, input.KeyName);
    const type = input.KeyType ?? 'rsa';
    const format = input.KeyFormat ?? 'pem';
    if (type !== 'rsa' && type !== 'ed25519') throw invalidParameterValue(`Value (${type}) for parameter keyType is invalid. Valid values: rsa, ed25519`);
    if (format !== 'pem' && format !== 'ppk') throw invalidParameterValue(`Value (${format}) for parameter keyFormat is invalid. Valid values: pem, ppk`);
    const { privateKey, publicKey } = type === 'rsa' ? await generate('rsa', { modulusLength: 2048 }) : await generate('ed25519');
    const m = sshBlob(publicKey);
    const KeyMaterial =
      format === 'ppk'
        ? puttyPrivate(privateKey, m, name)
        : type === 'rsa'
          ? String(privateKey.export({ type: 'pkcs1', format: 'pem' })).trimEnd()
          : openSshPrivate(privateKey, m, name);
    // Checked again after the await: a concurrent CreateKeyPair may have taken the name.
    checkName(state, name);
    const rec: KeyPairRec = {
      KeyPairId: ec2Id('key'),
      KeyName: name,
      KeyFingerprint: fingerprint(m, privateKey),
      KeyType: type,
      PublicKey: openSshPublic(m, name),
      CreateTime: nowIso(ctx),
    };
    state.keyPairs[name] = rec;
    applyTagSpecifications(state, rec.KeyPairId, 'key-pair', input.TagSpecifications);
    return { KeyFingerprint: rec.KeyFingerprint, KeyMaterial, KeyName: name, KeyPairId: rec.KeyPairId, Tags: tagList(state, rec.KeyPairId) };
  },
});

export const ImportKeyPair = operation<ImportKeyPairRequest, ImportKeyPairResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const name = checkName(state, input.KeyName);
    const m = parsePublicKey(input.PublicKeyMaterial ?? new Uint8Array());
    const rec: KeyPairRec = {
      KeyPairId: ec2Id('key'),
      KeyName: name,
      KeyFingerprint: fingerprint(m),
      KeyType: m.type,
      PublicKey: openSshPublic(m, name),
      CreateTime: nowIso(ctx),
    };
    state.keyPairs[name] = rec;
    applyTagSpecifications(state, rec.KeyPairId, 'key-pair', input.TagSpecifications);
    return { KeyFingerprint: rec.KeyFingerprint, KeyName: name, KeyPairId: rec.KeyPairId, Tags: tagList(state, rec.KeyPairId) };
  },
});

export const DescribeKeyPairs = operation<DescribeKeyPairsRequest, DescribeKeyPairsResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    let keys = Object.values(state.keyPairs);
    if (input.KeyNames?.length) {
      keys = input.KeyNames.map((n) => {
        const k = state.keyPairs[n];
        if (!k) throw new AwsError('InvalidKeyPair.NotFound', `The key pair '${n}' does not exist`, 400);
        return k;
      });
    }
    if (input.KeyPairIds?.length) {
      keys = input.KeyPairIds.map((id) => {
        const k = keys.find((x) => x.KeyPairId === id);
        if (!k) throw new AwsError('InvalidKeyPair.NotFound', `The key pair '${id}' does not exist`, 400);
        return k;
      });
    }
    const found = applyFilters(
      keys,
      input.Filters,
      { 'key-pair-id': (k) => k.KeyPairId, 'key-name': (k) => k.KeyName, fingerprint: (k) => k.KeyFingerprint, 'key-type': (k) => k.KeyType },
      (k) => tagsOf(state, k.KeyPairId),
    );
    return {
      KeyPairs: found.map((k) => ({
        KeyPairId: k.KeyPairId,
        KeyType: k.KeyType,
        Tags: tagList(state, k.KeyPairId, true),
        PublicKey: input.IncludePublicKey ? k.PublicKey : undefined,
        CreateTime: new Date(k.CreateTime),
        KeyName: k.KeyName,
        KeyFingerprint: k.KeyFingerprint,
      })),
    };
  },
});

export const DeleteKeyPair = operation<DeleteKeyPairRequest, DeleteKeyPairResult>({
  handler(input, ctx) {
    const state = ec2State(ctx);
    const key = input.KeyName ? state.keyPairs[input.KeyName] : Object.values(state.keyPairs).find((k) => k.KeyPairId === input.KeyPairId);
    if (!input.KeyName && !input.KeyPairId) throw new AwsError('MissingParameter', 'The request must contain the parameter KeyName or KeyPairId', 400);
    // Deleting a key pair that does not exist succeeds, as in AWS.
    if (!key) return { Return: true };
    delete state.keyPairs[key.KeyName];
    delete state.tags[key.KeyPairId];
    return { Return: true, KeyPairId: key.KeyPairId };
  },
});
