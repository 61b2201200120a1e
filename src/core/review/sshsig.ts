// SSH public keys and SSHSIG signatures (what `ssh-keygen -Y sign` writes), verified in-process
// with node:crypto: no ssh-keygen, no agent, no network. ed25519, RSA (rsa-sha2-256/512) and
// ECDSA (nistp256/384/521).
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';

export const SIG_NAMESPACE = 'foureyes';

class Reader {
  private pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}
  uint32(): number {
    if (this.pos + 4 > this.buf.length) throw new Error(`${this.what}: truncated`);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  bytes(): Buffer {
    const n = this.uint32();
    if (this.pos + n > this.buf.length) throw new Error(`${this.what}: truncated`);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  string(): string {
    return this.bytes().toString('latin1');
  }
  raw(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new Error(`${this.what}: truncated`);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  end(): void {
    if (this.pos !== this.buf.length) throw new Error(`${this.what}: ${this.buf.length - this.pos} trailing bytes`);
  }
}

function sshString(b: Buffer | string): Buffer {
  const data = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

function b64u(b: Buffer): string {
  return b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unsignedInt(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

const EC_CURVES: Record<string, { crv: string; hash: string; size: number }> = {
  nistp256: { crv: 'P-256', hash: 'sha256', size: 32 },
  nistp384: { crv: 'P-384', hash: 'sha384', size: 48 },
  nistp521: { crv: 'P-521', hash: 'sha512', size: 66 },
};

export interface SshPublicKey {
  type: string;
  /** The wire-format key blob (what the base64 in an OpenSSH public key line holds). */
  blob: Buffer;
  /** `SHA256:...`, as ssh-keygen -l prints it. */
  fingerprint: string;
  key: KeyObject;
}

/** Parses a key blob into a node:crypto public key; throws naming what is unsupported. */
export function parsePublicKeyBlob(blob: Buffer): SshPublicKey {
  const r = new Reader(blob, 'SSH public key');
  const type = r.string();
  let key: KeyObject;
  if (type === 'ssh-ed25519') {
    const pk = r.bytes();
    if (pk.length !== 32) throw new Error('SSH public key: ed25519 key is not 32 bytes');
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(pk) }, format: 'jwk' });
  } else if (type === 'ssh-rsa') {
    const e = unsignedInt(r.bytes());
    const n = unsignedInt(r.bytes());
    if (n.length * 8 < 2048) throw new Error(`SSH public key: RSA key of ${n.length * 8} bits is too weak (at least 2048)`);
    key = createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
  } else if (type.startsWith('ecdsa-sha2-')) {
    const curveName = r.string();
    const curve = EC_CURVES[curveName];
    if (!curve || type !== `ecdsa-sha2-${curveName}`) throw new Error(`SSH public key: unsupported ECDSA curve ${curveName}`);
    const q = r.bytes();
    if (q.length !== 1 + 2 * curve.size || q[0] !== 4) throw new Error('SSH public key: ECDSA point is not uncompressed');
    key = createPublicKey({
      key: { kty: 'EC', crv: curve.crv, x: b64u(q.subarray(1, 1 + curve.size)), y: b64u(q.subarray(1 + curve.size)) },
      format: 'jwk',
    });
  } else {
    throw new Error(`SSH public key type ${type} is not supported (use ed25519, RSA or ECDSA)`);
  }
  r.end();
  return { type, blob: Buffer.from(blob), fingerprint: keyFingerprint(blob), key };
}

export function keyFingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Parses an OpenSSH public key line: `ssh-ed25519 AAAA... comment` (a `key::` prefix is allowed, as git writes it). */
export function parsePublicKey(line: string): SshPublicKey {
  const parts = line.trim().replace(/^key::/, '').split(/\s+/);
  if (parts.length < 2) throw new Error('not an OpenSSH public key line (expected "<type> <base64> [comment]")');
  const blob = Buffer.from(parts[1], 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(parts[1]) || blob.length === 0) throw new Error('public key base64 is invalid');
  const key = parsePublicKeyBlob(blob);
  if (key.type !== parts[0]) throw new Error(`public key line says ${parts[0]} but holds a ${key.type} key`);
  return key;
}

export interface SshSignature {
  publicKey: Buffer;
  namespace: string;
  hashAlgorithm: string;
  sigType: string;
  sigBytes: Buffer;
}

const ARMOR_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const ARMOR_END = '-----END SSH SIGNATURE-----';

/** Parses an armored SSHSIG; throws on anything malformed. */
export function parseSshSignature(armored: string): SshSignature {
  const text = armored.trim();
  if (!text.startsWith(ARMOR_BEGIN) || !text.endsWith(ARMOR_END)) throw new Error('signature is not an armored SSH signature');
  const body = text.slice(ARMOR_BEGIN.length, -ARMOR_END.length).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error('signature base64 is invalid');
  const buf = Buffer.from(body, 'base64');
  if (buf.toString('base64').replace(/=+$/, '') !== body.replace(/=+$/, '')) throw new Error('signature base64 is not canonical');
  const r = new Reader(buf, 'SSH signature');
  if (r.raw(6).toString('latin1') !== 'SSHSIG') throw new Error('SSH signature: bad magic');
  const version = r.uint32();
  if (version !== 1) throw new Error(`SSH signature: unsupported version ${version}`);
  const publicKey = Buffer.from(r.bytes());
  const namespace = r.string();
  // OpenSSH always writes it empty and never signs it: anything else is not its format.
  if (r.bytes().length) throw new Error('SSH signature: reserved field is not empty');
  const hashAlgorithm = r.string();
  const sig = r.bytes();
  r.end();
  const s = new Reader(sig, 'SSH signature blob');
  const sigType = s.string();
  const sigBytes = Buffer.from(s.bytes());
  s.end();
  return { publicKey, namespace, hashAlgorithm, sigType, sigBytes };
}

function ecdsaToP1363(sig: Buffer, size: number): Buffer {
  const r = new Reader(sig, 'ECDSA signature');
  const parts = [r.bytes(), r.bytes()].map((v) => {
    const u = unsignedInt(v);
    if (u.length > size) throw new Error('ECDSA signature: integer too large');
    return Buffer.concat([Buffer.alloc(size - u.length), u]);
  });
  r.end();
  return Buffer.concat(parts);
}

/**
 * Checks that `armored` is a valid SSHSIG over `message` in `namespace`, made by `signer`.
 * Returns a reason when it is not; never throws for bad input.
 */
export function verifySshSignature(message: Buffer | string, armored: string, signer: SshPublicKey, namespace = SIG_NAMESPACE): string | undefined {
  let sig: SshSignature;
  try {
    sig = parseSshSignature(armored);
  } catch (err) {
    return (err as Error).message;
  }
  if (!sig.publicKey.equals(signer.blob)) return 'signature was made by a different key';
  if (sig.namespace !== namespace) return `signature namespace is "${sig.namespace}", expected "${namespace}"`;
  if (sig.hashAlgorithm !== 'sha512' && sig.hashAlgorithm !== 'sha256') return `unsupported signature hash ${sig.hashAlgorithm}`;
  const digest = createHash(sig.hashAlgorithm).update(typeof message === 'string' ? Buffer.from(message, 'utf8') : message).digest();
  const signed = Buffer.concat([Buffer.from('SSHSIG', 'latin1'), sshString(namespace), sshString(''), sshString(sig.hashAlgorithm), sshString(digest)]);
  try {
    let ok: boolean;
    if (signer.type === 'ssh-ed25519') {
      if (sig.sigType !== 'ssh-ed25519') return `signature type ${sig.sigType} does not match an ed25519 key`;
      ok = cryptoVerify(null, signed, signer.key, sig.sigBytes);
    } else if (signer.type === 'ssh-rsa') {
      const hash = sig.sigType === 'rsa-sha2-512' ? 'sha512' : sig.sigType === 'rsa-sha2-256' ? 'sha256' : undefined;
      if (!hash) return `RSA signature type ${sig.sigType} is not accepted (SHA-1 signatures are refused)`;
      ok = cryptoVerify(hash, signed, signer.key, sig.sigBytes);
    } else {
      const curve = EC_CURVES[signer.type.slice('ecdsa-sha2-'.length)];
      if (!curve || sig.sigType !== signer.type) return `signature type ${sig.sigType} does not match a ${signer.type} key`;
      ok = cryptoVerify(curve.hash, signed, { key: signer.key, dsaEncoding: 'ieee-p1363' }, ecdsaToP1363(sig.sigBytes, curve.size));
    }
    return ok ? undefined : 'signature does not match the signed content';
  } catch (err) {
    return `signature could not be checked: ${(err as Error).message}`;
  }
}
