// Attacks on approval records that the policy must refuse with a reason: JSON ambiguity, Unicode,
// SSHSIG details, reviewer and author spoofing, expiry games, repository binding, hostile files.
// Records are signed by the real ssh-keygen; verification is in-process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../../src/core/findings';
import { signApproval } from '../../src/core/review/approve';
import { canonicalJson } from '../../src/core/review/canonical';
import { checkRecord, evaluatePolicy, sameEmail, type RecordFile } from '../../src/core/review/policy';
import { approvalFileName, decodeApprovalToken, encodeApprovalToken, formatRecordFile, recordId, signedContent, type ApprovalRecord } from '../../src/core/review/record';
import type { RepoBinding } from '../../src/core/review/roots';
import { resolveSigningKey } from '../../src/core/review/sign';
import { parsePublicKey, verifySshSignature } from '../../src/core/review/sshsig';
import type { RulesConfig } from '../../src/core/rules';

const FP = 'a'.repeat(64);
const ROOT = '1'.repeat(40);
const OTHER_ROOT = '2'.repeat(40);
const NOW = new Date('2026-03-01T12:00:00Z');

function finding(fingerprint = FP): Finding {
  return {
    ruleId: 'test/marker',
    category: 'drift',
    severity: 'high',
    message: 'Test marker set.',
    path: 'config/prod.json',
    range: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
    fingerprint,
  };
}

function binding(roots: string[], unbornOk = false): RepoBinding & { calls: number } {
  const b = {
    calls: 0,
    roots: () => {
      b.calls++;
      return roots;
    },
    allowsUnborn: () => unbornOk,
  };
  return b;
}

describe('approval attacks (policy, records, SSHSIG)', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-attacks-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, HOME: dir };

  function keygen(name: string, type = 'ed25519', bits = ''): string {
    const file = path.join(dir, name);
    const r = spawnSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', bits] : []), '-N', '', '-C', name, '-f', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return file;
  }
  const alice = keygen('alice');
  const bob = keygen('bob');
  const pub = (k: string) => readFileSync(`${k}.pub`, 'utf8').trim();
  const policy: RulesConfig = { seniors: [{ id: 'alice@example.com', publicKey: pub(alice) }, { id: 'bob@example.com', publicKey: pub(bob) }] } as RulesConfig;

  function sign(keyFile: string, opts: { reviewer?: string; author?: string; roots?: string[]; now?: Date; days?: number; pol?: RulesConfig } = {}): ApprovalRecord {
    const key = resolveSigningKey(dir, keyFile, env);
    const senior = { id: opts.reviewer ?? (keyFile === alice ? 'alice@example.com' : 'bob@example.com'), publicKey: pub(keyFile) };
    return signApproval(
      { senior, roots: opts.roots ?? [ROOT], author: opts.author ?? 'dev@example.com', note: 'ok', findings: [{ fingerprint: FP, ruleId: 'test/marker', path: 'config/prod.json', summary: 's' }], now: opts.now ?? NOW, expiresAfterDays: opts.days },
      key,
      env,
      opts.pol ?? policy,
    );
  }
  const fileOf = (r: ApprovalRecord, text = formatRecordFile(r)): RecordFile => ({ path: approvalFileName(r.id), mode: '100644', text });
  const judge = (files: RecordFile[], opts: { authors?: string[]; repo?: RepoBinding; now?: Date; pol?: RulesConfig; findings?: Finding[] } = {}) =>
    evaluatePolicy({ findings: opts.findings ?? [finding()], records: files, policy: opts.pol ?? policy, authorsOf: () => opts.authors ?? ['dev@example.com'], now: opts.now ?? NOW, repository: opts.repo ?? binding([ROOT]) });

  it('accepts a genuine approval (the baseline every attack below departs from)', () => {
    const out = judge([fileOf(sign(alice))]);
    assert.deepEqual(out.errors, []);
    assert.equal(out.findings[0].state, 'approved');
  });

  describe('JSON ambiguity: one text, one reading', () => {
    const rec = sign(alice);
    const pretty = formatRecordFile(rec);
    const refusedAsInexact = (text: string) => {
      const out = judge([fileOf(rec, text)]);
      assert.notEqual(out.findings[0].state, 'approved');
      assert.match(out.errors.join('\n'), /not in the exact form foureyes writes|unreadable review record/);
    };

    it('refuses duplicate keys (first vs last wins), whichever reading a tool takes', () => {
      refusedAsInexact(pretty.replace('  "reviewer": "alice@example.com",', '  "reviewer": "bob@example.com",\n  "reviewer": "alice@example.com",'));
      refusedAsInexact(pretty.replace('  "reviewer": "alice@example.com",', '  "reviewer": "alice@example.com",\n  "reviewer": "alice@example.com",'));
    });

    it('refuses __proto__ keys at the top and inside a finding', () => {
      const out = judge([fileOf(rec, pretty.replace('{\n', '{\n  "__proto__": { "reviewer": "x" },\n'))]);
      assert.match(out.errors.join('\n'), /unknown field\(s\): __proto__/);
      const inner = judge([fileOf(rec, pretty.replace('"fingerprint":', '"__proto__": {},\n      "fingerprint":'))]);
      assert.match(inner.errors.join('\n'), /unknown field\(s\): __proto__/);
    });

    it('refuses equivalent but non-canonical JSON: whitespace, key order, escaped characters, 2.0 for 2', () => {
      refusedAsInexact(JSON.stringify(JSON.parse(pretty), null, 4) + '\n');
      refusedAsInexact(pretty.replace(/\n/g, '\n '));
      refusedAsInexact(pretty.trimEnd() + '\n\n');
      refusedAsInexact(pretty.replace('"version": 2', '"version": 2.0'));
      refusedAsInexact(pretty.replace('"kind": "approval"', '"kind": "\\u0061pproval"'));
      const { author, ...rest } = JSON.parse(pretty);
      refusedAsInexact(JSON.stringify({ ...rest, author }, null, 2) + '\n');
    });

    it('accepts the file with CRLF line ends (git may convert them) and the compact canonical (token) form', () => {
      assert.equal(judge([fileOf(rec, pretty.replace(/\n/g, '\r\n'))]).findings[0].state, 'approved');
      assert.equal(judge([fileOf(rec, canonicalJson(rec))]).findings[0].state, 'approved');
      assert.deepEqual(decodeApprovalToken(encodeApprovalToken(rec)), rec);
      const loose = 'foureyes-approval:' + Buffer.from(JSON.stringify(JSON.parse(pretty), null, 1)).toString('base64url');
      assert.throws(() => decodeApprovalToken(loose), /exact form/);
    });

    it('verifies over exactly what was parsed: the signed bytes are the canonical form of the parsed record', () => {
      assert.equal(signedContent(rec), canonicalJson({ ...rec, signature: undefined }));
      const { signature: _s, ...payload } = rec;
      assert.equal(verifySshSignature(signedContent(rec), rec.signature, parsePublicKey(pub(alice))), undefined);
      assert.ok(verifySshSignature(canonicalJson({ ...payload, note: 'ok ' }), rec.signature, parsePublicKey(pub(alice))));
    });
  });

  describe('Unicode', () => {
    it('matches identities whatever their normalisation (NFC/NFD/compatibility), so self-approval cannot hide behind it', () => {
      assert.ok(sameEmail('jos\u00e9@example.com', 'jose\u0301@example.com'));
      assert.ok(sameEmail('ALICE@example.com ', 'alice@example.com'));
      assert.ok(sameEmail('\uff41lice@example.com', 'alice@example.com'), 'fullwidth a is a compatibility form of a');
      const pol = { seniors: [{ id: 'jos\u00e9@example.com', publicKey: pub(alice) }] } as RulesConfig;
      const rec = sign(alice, { reviewer: 'jos\u00e9@example.com', pol });
      const self = judge([fileOf(rec)], { pol, authors: ['jose\u0301@example.com'] });
      assert.equal(self.findings[0].state, 'required');
      assert.match(self.findings[0].problems.join('\n'), /the reviewer is the author of the change/);
    });

    it('does not let a look-alike reviewer id (Cyrillic a) stand for a senior', () => {
      const rec = sign(alice, { reviewer: '\u0430lice@example.com', pol: { seniors: [{ id: '\u0430lice@example.com', publicKey: pub(alice) }] } as RulesConfig });
      const out = judge([fileOf(rec)]);
      assert.equal(out.findings[0].state, 'required');
      assert.match(out.findings[0].problems.join('\n'), /is not a senior in the base rules/);
    });

    it('refuses fingerprints that are not 64 lower-case hex digits (no look-alike or upper-case spelling)', () => {
      const rec = sign(alice);
      for (const fp of ['A'.repeat(64), '\u0430'.repeat(64), 'a'.repeat(63) + '\u0301']) {
        const text = formatRecordFile(rec).replace(FP, fp);
        assert.match(judge([fileOf(rec, text)]).errors.join('\n'), /fingerprint must be 64 hex digits/);
      }
    });
  });

  describe('SSHSIG details', () => {
    const message = 'payload';
    const signWith = (key: string, ns = 'foureyes') => spawnSync('ssh-keygen', ['-Y', 'sign', '-n', ns, '-f', key], { input: message, encoding: 'utf8' }).stdout;
    const blobOf = (armored: string) => Buffer.from(armored.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const armor = (b: Buffer) => `-----BEGIN SSH SIGNATURE-----\n${b.toString('base64').replace(/(.{70})/g, '$1\n')}\n-----END SSH SIGNATURE-----\n`;
    const str = (s: string | Buffer) => {
      const d = typeof s === 'string' ? Buffer.from(s) : s;
      const n = Buffer.alloc(4);
      n.writeUInt32BE(d.length);
      return Buffer.concat([n, d]);
    };
    /** Rebuilds an SSHSIG blob with some fields replaced. */
    function rebuild(armored: string, change: { pub?: Buffer; ns?: string; reserved?: string; hash?: string; sigType?: string }): string {
      const b = blobOf(armored);
      let p = 10;
      const take = () => {
        const n = b.readUInt32BE(p);
        const v = b.subarray(p + 4, p + 4 + n);
        p += 4 + n;
        return v;
      };
      const [pk, ns, reserved, hash, sig] = [take(), take(), take(), take(), take()];
      let s = 0;
      const sigType = sig.subarray(4, 4 + sig.readUInt32BE(0));
      s = 4 + sigType.length;
      const sigBytes = sig.subarray(s);
      const newSig = Buffer.concat([str(change.sigType ?? sigType.toString()), sigBytes]);
      return armor(Buffer.concat([b.subarray(0, 10), str(change.pub ?? pk), str(change.ns ?? ns.toString()), str(change.reserved ?? reserved.toString()), str(change.hash ?? hash.toString()), str(newSig)]));
    }
    const alicePub = parsePublicKey(pub(alice));

    it('refuses a signature made in another namespace (a git commit signature reused)', () => {
      assert.match(verifySshSignature(message, signWith(alice, 'git'), alicePub) ?? '', /namespace is "git", expected "foureyes"/);
      assert.match(verifySshSignature(message, rebuild(signWith(alice, 'git'), { ns: 'foureyes' }), alicePub) ?? '', /does not match/);
    });

    it('refuses hash algorithms other than sha512/sha256, a non-empty reserved field and an embedded key that is not the senior’s', () => {
      const good = signWith(alice);
      assert.equal(verifySshSignature(message, good, alicePub), undefined);
      assert.match(verifySshSignature(message, rebuild(good, { hash: 'sha1' }), alicePub) ?? '', /unsupported signature hash sha1/);
      assert.match(verifySshSignature(message, rebuild(good, { reserved: 'x' }), alicePub) ?? '', /reserved field is not empty/);
      assert.match(verifySshSignature(message, rebuild(good, { pub: parsePublicKey(pub(bob)).blob }), alicePub) ?? '', /different key/);
    });

    it('refuses RSA signatures of type ssh-rsa (SHA-1) and RSA keys under 2048 bits', () => {
      const rsa = keygen('rsa', 'rsa', '3072');
      const rsaPub = parsePublicKey(pub(rsa));
      const good = signWith(rsa);
      assert.equal(verifySshSignature(message, good, rsaPub), undefined);
      assert.match(verifySshSignature(message, rebuild(good, { sigType: 'ssh-rsa' }), rsaPub) ?? '', /SHA-1 signatures are refused/);
      const weak = keygen('rsa1024', 'rsa', '1024');
      assert.throws(() => parsePublicKey(pub(weak)), /too weak/);
    });

    it('refuses trailing garbage after the armored block and two armored blocks', () => {
      const good = signWith(alice);
      assert.match(verifySshSignature(message, good + 'garbage\n', alicePub) ?? '', /not an armored SSH signature/);
      assert.ok(verifySshSignature(message, good + good, alicePub));
      assert.ok(verifySshSignature(message, 'x' + good, alicePub));
    });
  });

  describe('who signed, who wrote', () => {
    it('refuses a record that names alice but is signed by bob (both seniors)', () => {
      const byBob = sign(bob, { reviewer: 'alice@example.com', pol: { seniors: [{ id: 'alice@example.com', publicKey: pub(bob) }] } as RulesConfig });
      const out = judge([fileOf(byBob)]);
      assert.equal(out.findings[0].state, 'required');
      assert.match(out.findings[0].problems.join('\n'), /signed by key SHA256:\S+, which is not alice@example.com's key in the base rules/);
      // The key field swapped to alice's fingerprint (id recomputed): the signature names bob's key.
      const swapped = { ...byBob, reviewerKey: parsePublicKey(pub(alice)).fingerprint };
      const { id: _i, signature: _s, ...rest } = swapped;
      const forged = { ...swapped, id: recordId(rest) };
      const out2 = judge([fileOf(forged)]);
      assert.match(out2.errors.join('\n'), /signature by alice@example.com does not verify \(signature was made by a different key\)/);
    });

    it('judges four eyes by git’s author identity, not the record’s claim; a co-author counts as an author', () => {
      const rec = sign(alice, { author: 'dev@example.com' });
      const self = judge([fileOf(rec)], { authors: ['alice@example.com'] });
      assert.equal(self.findings[0].state, 'required');
      assert.match(self.findings[0].problems.join('\n'), /four eyes/);
      const coAuthored = judge([fileOf(rec)], { authors: ['dev@example.com', 'ALICE@example.com'] });
      assert.equal(coAuthored.findings[0].state, 'required');
    });
  });

  describe('expiry and clocks', () => {
    it('does not count an approval created more than 5 minutes in the future, but tolerates smaller skew', () => {
      const future = sign(alice, { now: new Date(NOW.getTime() + 10 * 60_000) });
      assert.match(judge([fileOf(future)]).findings[0].problems.join('\n'), /createdAt .* is in the future/);
      const skewed = sign(alice, { now: new Date(NOW.getTime() + 2 * 60_000) });
      assert.equal(judge([fileOf(skewed)]).findings[0].state, 'approved');
    });

    it('bounds a signed expiresAt beyond the rules’ expiresAfterDays by createdAt + expiresAfterDays', () => {
      const pol = { ...policy, review: { expiresAfterDays: 10 } } as RulesConfig;
      const long = sign(alice, { days: 365, pol });
      assert.equal(long.expiresAt, new Date(NOW.getTime() + 365 * 86_400_000).toISOString());
      const out = judge([fileOf(long)], { pol, now: new Date(NOW.getTime() + 11 * 86_400_000) });
      assert.equal(out.findings[0].state, 'expired');
      assert.match(out.findings[0].problems.join('\n'), /has expired/);
    });

    it('breaks the signature when an expired approval’s dates are edited (id recomputed too)', () => {
      const rec = sign(alice);
      const edited = { ...rec, expiresAt: '2099-01-01T00:00:00.000Z' };
      const { id: _i, signature: _s, ...rest } = edited;
      const forged = { ...edited, id: recordId(rest) };
      assert.match(judge([fileOf(forged)]).errors.join('\n'), /does not verify \(signature does not match the signed content\)/);
    });
  });

  describe('repository binding', () => {
    it('refuses an approval for another repository, naming both roots', () => {
      const out = judge([fileOf(sign(alice, { roots: [OTHER_ROOT] }))]);
      assert.equal(out.findings[0].state, 'required');
      assert.match(out.findings[0].problems.join('\n'), /approval was made for another repository \(root 2222222\), this repository's root is 1111111/);
    });

    it('accepts an approval whose roots are among this history’s (a merge of unrelated histories has several)', () => {
      assert.equal(judge([fileOf(sign(alice, { roots: [ROOT] }))], { repo: binding([ROOT, OTHER_ROOT].sort()) }).findings[0].state, 'approved');
      const both = sign(alice, { roots: [ROOT, OTHER_ROOT] });
      assert.equal(judge([fileOf(both)], { repo: binding([ROOT]) }).findings[0].state, 'required', 'made after merging another history, not valid without it');
    });

    it('counts an approval bound to no history only where that is allowed (the initial commit)', () => {
      const rec = sign(alice, { roots: [] });
      assert.equal(judge([fileOf(rec)], { repo: binding([], true) }).findings[0].state, 'approved');
      const later = judge([fileOf(rec)], { repo: binding([ROOT], false) });
      assert.match(later.findings[0].problems.join('\n'), /made for the first commit of a repository \(no history yet\) and counts only in that commit; this repository's root is 1111111/);
    });

    it('never counts a version 1 record (no binding), and says so without blocking other approvals', () => {
      const rec = sign(alice);
      const { roots: _r, id: _i, signature: _s, ...v1 } = { ...rec, version: 1 as const };
      const payload = { ...v1, id: recordId(v1) };
      const key = resolveSigningKey(dir, alice, env);
      const sig = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', 'foureyes', '-f', key.file], { input: signedContent(payload as ApprovalRecord), encoding: 'utf8' }).stdout;
      const old = { ...payload, signature: sig } as ApprovalRecord;
      const out = judge([fileOf(old), fileOf(sign(bob))]);
      assert.deepEqual(out.errors, []);
      assert.equal(out.findings[0].state, 'approved');
      assert.deepEqual(out.findings[0].approvedBy, ['bob@example.com']);
      assert.match(out.findings[0].problems.join('\n'), /version 1 is not bound to a repository and no longer counts/);
    });

    it('walks history for the roots only when an approval could count for a finding that needs review', () => {
      const repo = binding([ROOT]);
      judge([fileOf(sign(alice))], { repo, findings: [finding('b'.repeat(64))] });
      assert.equal(repo.calls, 0);
      judge([fileOf(sign(alice))], { repo });
      assert.equal(repo.calls, 1);
    });
  });

  describe('hostile record files', () => {
    const rec = sign(alice);
    it('refuses sub-directories, odd names, symlinks and submodules, huge and binary files, each naming why', () => {
      const cases: Array<[RecordFile, RegExp]> = [
        [{ path: `.foureyes/approvals/sub/${rec.id}.json`, mode: '100644', text: formatRecordFile(rec) }, /must sit directly in \.foureyes\/approvals\//],
        [{ path: `.foureyes/approvals/${rec.id}.json.bak`, mode: '100644', text: formatRecordFile(rec) }, /file name does not match the record id/],
        [{ path: '.foureyes/approvals/../../x.json', mode: '100644', text: formatRecordFile(rec) }, /must sit directly/],
        [{ path: approvalFileName(rec.id), mode: '120000', text: '/etc/passwd' }, /not a regular file \(mode 120000\)/],
        [{ path: approvalFileName(rec.id), mode: '160000', text: '' }, /not a regular file \(mode 160000\)/],
        [{ path: approvalFileName(rec.id), mode: '100644', text: formatRecordFile(rec).replace('"note": "ok"', `"note": "${'x'.repeat(300_000)}"`) }, /larger than 256 KB/],
        [{ path: approvalFileName(rec.id), mode: '100644', text: '\u0000\u0001PK\u0003\u0004' }, /not valid JSON/],
      ];
      for (const [file, why] of cases) {
        const out = judge([file]);
        assert.match(out.errors.join('\n'), why, file.path);
        assert.notEqual(out.findings[0].state, 'approved');
      }
    });

    it('judges thousands of approval files (each checked, the one that counts found)', () => {
      const many: RecordFile[] = [];
      const bobRec = sign(bob);
      for (let i = 0; i < 3000; i++) many.push(fileOf(bobRec));
      const out = judge([...many, fileOf(rec)]);
      assert.deepEqual(out.errors, []);
      assert.deepEqual(out.findings[0].approvedBy.sort(), ['alice@example.com', 'bob@example.com']);
    });

    it('checkRecord on its own still verifies signature and form without a repository', () => {
      assert.equal(checkRecord(fileOf(rec), policy, NOW).status.state, 'valid');
    });
  });
});
