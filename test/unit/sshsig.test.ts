// SSHSIG verification in-process against signatures made by the real ssh-keygen.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson } from '../../src/core/review/canonical';
import { parsePublicKey, verifySshSignature } from '../../src/core/review/sshsig';

describe('SSHSIG verification', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-sshsig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const message = canonicalJson({ b: 1, a: ['x', { d: null, c: true }] });

  for (const [type, bits] of [['ed25519', ''], ['rsa', '3072'], ['ecdsa', '256'], ['ecdsa', '384'], ['ecdsa', '521']] as const) {
    it(`verifies ${type}${bits ? `-${bits}` : ''} signatures from ssh-keygen and refuses tampering`, () => {
      const key = path.join(dir, `${type}${bits}`);
      const gen = spawnSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', bits] : []), '-N', '', '-f', key], { encoding: 'utf8' });
      assert.equal(gen.status, 0, gen.stderr);
      const sign = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'foureyes', '-f', key], { input: message, encoding: 'utf8' });
      assert.equal(sign.status, 0, sign.stderr);
      const pub = parsePublicKey(readFileSync(`${key}.pub`, 'utf8'));
      assert.equal(verifySshSignature(message, sign.stdout, pub), undefined);
      assert.match(verifySshSignature(message + ' ', sign.stdout, pub) ?? '', /does not match/);
      assert.ok(verifySshSignature(message, sign.stdout, pub, 'git'));
      const other = parsePublicKey(readFileSync(path.join(dir, 'ed25519.pub'), 'utf8'));
      if (type !== 'ed25519') assert.match(verifySshSignature(message, sign.stdout, other) ?? '', /different key/);
    });
  }

  it('canonical JSON sorts keys and drops whitespace', () => {
    assert.equal(canonicalJson({ z: 1, a: { y: 'é', b: [1, 'x'] } }), '{"a":{"b":[1,"x"],"y":"é"},"z":1}');
    assert.throws(() => canonicalJson({ a: 1.5 }));
  });
});
