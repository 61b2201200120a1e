// The enforcement half end to end: real git, real ssh-keygen, the installed hook, temp repos.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './repo';

const MARK_HIGH = '{ "db": "FOUREYES-TEST-high" }\n';

interface Setup {
  repo: TempRepo;
  alice: string;
  bob: string;
}

/** Rules naming alice and bob, committed by dev@example.com, hook installed. */
function setup(rulesExtra: Record<string, unknown> = {}): Setup {
  const repo = new TempRepo();
  const alice = repo.key('alice');
  const bob = repo.key('bob');
  repo.write('.foureyes/rules.jsonc', repo.rules([{ id: 'alice@example.com', key: alice }, { id: 'bob@example.com', key: bob }], rulesExtra));
  repo.write('README.txt', 'hello\n');
  repo.git('add', '.');
  const first = repo.commit('init');
  assert.equal(first.code, 0, first.stderr);
  const inst = repo.cli(['hook', 'install']);
  assert.equal(inst.code, 0, inst.stderr);
  return { repo, alice, bob };
}

function approvals(repo: TempRepo): string[] {
  const dir = path.join(repo.dir, '.foureyes/approvals');
  return existsSync(dir) ? readdirSync(dir).map((f) => `.foureyes/approvals/${f}`) : [];
}

describe('e2e: review hook and approvals', function () {
  this.timeout(60_000);
  const repos: TempRepo[] = [];
  const track = (s: Setup) => (repos.push(s.repo), s);
  after(() => repos.forEach((r) => r.cleanup()));

  it('blocks a commit with a clear message, then passes once a senior approves', () => {
    const { repo, alice } = track(setup());
    repo.write('config/prod.json', MARK_HIGH);
    repo.git('add', '.');
    const blocked = repo.commit('add prod config');
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /config\/prod\.json:1 {2}test\/marker \(high\)/);
    assert.match(blocked.stderr, /foureyes request --staged/);
    const ap = repo.cli(['approve', '--staged', '--note', 'staging only', '--key', alice]);
    assert.equal(ap.code, 0, ap.stderr);
    const ok = repo.commit('add prod config');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(repo.git('log', '--format=%s', '-1').trim(), 'add prod config');
    assert.equal(repo.git('status', '--porcelain').trim(), '');
  });

  it('fails closed when a detector crashes on a staged file', () => {
    const { repo } = track(setup());
    repo.write('config/app.json', '{ "x": "FOUREYES-TEST-crash" }\n');
    repo.git('add', '.');
    const blocked = repo.commit('crashing detector');
    assert.equal(blocked.code, 1, 'the commit must not go through');
    assert.match(blocked.stderr, /config\/app\.json: detector test failed: test marker asked to crash/);
  });

  it('refuses self-approval', () => {
    const { repo, alice } = track(setup());
    repo.git('config', 'user.email', 'alice@example.com');
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    const ap = repo.cli(['approve', '--staged', '--note', 'mine', '--key', alice]);
    assert.equal(ap.code, 2);
    assert.match(ap.stderr, /self-approval refused/);
    assert.deepEqual(approvals(repo), []);
  });

  it('refuses a key that is not a senior in the base rules, before writing anything', () => {
    const { repo } = track(setup());
    const mallory = repo.key('mallory');
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    const ap = repo.cli(['approve', '--staged', '--note', 'x', '--key', mallory]);
    assert.equal(ap.code, 2);
    assert.match(ap.stderr, /belongs to no senior/);
    assert.deepEqual(approvals(repo), []);
  });

  it('a senior added in the same commit cannot approve it, and the weakening needs a base senior', () => {
    const { repo, alice, bob } = track(setup());
    const mallory = repo.key('mallory');
    repo.write('.foureyes/rules.jsonc', repo.rules([{ id: 'alice@example.com', key: alice }, { id: 'bob@example.com', key: bob }, { id: 'mallory@example.com', key: mallory }]));
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    const blocked = repo.commit('add me');
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /review\/rules-weakened/);
    assert.match(blocked.stderr, /Senior mallory@example.com added/);
    const ap = repo.cli(['approve', '--staged', '--note', 'x', '--key', mallory]);
    assert.equal(ap.code, 2);
    assert.match(ap.stderr, /belongs to no senior/);
    assert.equal(repo.cli(['approve', '--staged', '--note', 'mallory joins the on-call', '--key', alice]).code, 0);
    assert.equal(repo.commit('add mallory').code, 0);
  });

  it('refuses a tampered approval (payload byte or signature byte) and fails closed', () => {
    const { repo, alice } = track(setup());
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]).code, 0);
    const [file] = approvals(repo);
    const original = repo.read(file);
    const record = JSON.parse(original);
    // Payload: a changed note with the id recomputed would need a new signature.
    repo.write(file, original.replace('"note": "ok"', '"note": "OK"'));
    repo.git('add', '.');
    let r = repo.commit('x');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not match the record content|does not verify/);
    // Signature: flip one base64 character inside the signature body.
    const sig: string = record.signature;
    const i = sig.indexOf('\n', 40) - 5;
    const flipped = sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1);
    repo.write(file, JSON.stringify({ ...record, signature: flipped }, null, 2));
    repo.git('add', '.');
    r = repo.commit('x');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /signature|does not verify/);
  });

  it('does not carry an approval over to another file (no replay)', () => {
    const { repo, alice } = track(setup());
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]).code, 0);
    assert.equal(repo.commit('a').code, 0);
    repo.write('b.json', MARK_HIGH);
    repo.git('add', '.');
    const r = repo.commit('b');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /b\.json:1/);
    // Editing the path inside the record breaks its id and signature.
    const [file] = approvals(repo);
    repo.write(file, repo.read(file).replace(/"path": "a\.json"/, '"path": "b.json"'));
    repo.git('add', '.');
    const r2 = repo.commit('b');
    assert.equal(r2.code, 1);
  });

  it('marks an approval stale when the flagged content changes, and expired after expiresAfterDays', () => {
    const { repo, alice } = track(setup({ review: { expiresAfterDays: 10 } }));
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]).code, 0);
    const later = new Date(Date.now() + 11 * 86_400_000).toISOString();
    const expired = repo.commit('a', '--no-verify') && repo.run('git', ['commit', '-q', '--allow-empty', '-m', 'noop']);
    assert.equal(expired.code, 0);
    repo.write('b.json', '{ "x": 1 }\n');
    repo.git('add', '.');
    assert.equal(repo.run('git', ['commit', '-q', '-m', 'b'], { env: { FOUREYES_NOW: later } }).code, 0, 'nothing new staged needs review');
    // Expiry is judged on the staged change's findings: stage a change to a.json that keeps the finding.
    repo.write('a.json', '{ "db": "FOUREYES-TEST-high-v2" }\n');
    repo.git('add', '.');
    const stale = repo.cli(['status', '--format', 'json']);
    const report = JSON.parse(stale.stdout);
    assert.equal(report.findings[0].state, 'stale');
    assert.equal(repo.commit('v2').code, 1);
    repo.git('checkout', 'HEAD', '--', 'a.json');
    repo.write('c.json', MARK_HIGH.replace('db', 'cache'));
    repo.git('add', '.');
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]).code, 0);
    const exp = repo.cli(['check', '--staged', '--format', 'json'], { env: { FOUREYES_NOW: later } });
    assert.equal(JSON.parse(exp.stdout).findings[0].state, 'expired');
    assert.equal(exp.code, 1);
  });

  it('requires two distinct seniors for critical findings when review.approvals says so', () => {
    const { repo, alice, bob } = track(setup({ review: { approvals: { critical: 2 } } }));
    repo.write('a.json', '{ "db": "FOUREYES-TEST-critical" }\n');
    repo.git('add', '.');
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]).code, 0);
    const one = repo.commit('a');
    assert.equal(one.code, 1);
    assert.match(one.stderr, /1 of 2 required/);
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok too', '--key', bob]).code, 0);
    assert.equal(repo.commit('a').code, 0);
  });

  it('signs with git user.signingKey as a literal public key backed by a private ssh-agent (passphrase key)', () => {
    const { repo } = track(setup());
    const carol = repo.key('carol', 'secret passphrase');
    repo.write('.foureyes/rules.jsonc', repo.rules([{ id: 'carol@example.com', key: carol }]));
    repo.git('add', '.');
    assert.equal(repo.commit('rules', '--no-verify').code, 0);
    const sock = path.join(repo.base, 'agent.sock');
    const agent = repo.run('ssh-agent', ['-a', sock]);
    assert.equal(agent.code, 0, agent.stderr);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1];
    try {
      const askpass = path.join(repo.base, 'askpass.sh');
      writeFileSync(askpass, "#!/bin/sh\necho 'secret passphrase'\n");
      chmodSync(askpass, 0o755);
      const add = repo.run('ssh-add', [carol], { env: { SSH_AUTH_SOCK: sock, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }, input: '' });
      assert.equal(add.code, 0, add.stderr);
      repo.git('config', 'user.signingKey', `key::${repo.pub(carol)}`);
      repo.write('a.json', MARK_HIGH);
      repo.git('add', '.');
      const ap = repo.cli(['approve', '--staged', '--note', 'via agent'], { env: { SSH_AUTH_SOCK: sock } });
      assert.equal(ap.code, 0, ap.stderr);
      assert.equal(repo.commit('a').code, 0);
    } finally {
      if (pid) process.kill(Number(pid));
    }
  });

  it('says how to set a key when none is configured', () => {
    const { repo } = track(setup());
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    const ap = repo.cli(['approve', '--staged', '--note', 'x']);
    assert.equal(ap.code, 2);
    assert.match(ap.stderr, /git config user\.signingKey/);
  });

  it('request -> review on another machine -> import', () => {
    const { repo, alice } = track(setup());
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    const req = repo.cli(['request', '--staged']);
    assert.equal(req.code, 0, req.stderr);
    assert.match(req.stdout, /## Four Eyes review request/);
    assert.match(req.stdout, /foureyes-request:/);
    // The senior's machine: a clone of the repository (the approval is bound to its root commit).
    const senior = new TempRepo();
    repos.push(senior);
    writeFileSync(path.join(senior.base, 'req.md'), req.stdout);
    senior.run('git', ['clone', '-q', repo.dir, path.join(senior.base, 'clone')]);
    const rev = senior.cli(['review', path.join(senior.base, 'req.md'), '--note', 'fine', '--key', alice], { input: 'y\n', cwd: path.join(senior.base, 'clone') });
    assert.equal(rev.code, 0, rev.stderr);
    const token = rev.stdout.trim();
    assert.match(token, /^foureyes-approval:/);
    const bad = repo.cli(['import', token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA')]);
    assert.equal(bad.code, 2);
    const imp = repo.cli(['import', token]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(repo.commit('a').code, 0);
  });

  it('break-glass lets an emergency change through; verify reports it and fails unless --allow-break-glass', () => {
    const { repo } = track(setup());
    const start = repo.git('rev-parse', 'HEAD').trim();
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    assert.equal(repo.cli(['break-glass', '--reason', 'outage INC-42']).code, 0);
    assert.equal(repo.commit('hotfix').code, 0);
    // Break-glass is not an approval: CI stays red unless the workflow accepts break-glass.
    const v = repo.cli(['verify', '--range', `${start}..HEAD`]);
    assert.equal(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout, /BREAK-GLASS: .* "outage INC-42"/);
    assert.match(v.stdout, /1 finding\(s\) let through by break-glass still need a senior's approval/);
    assert.doesNotMatch(v.stdout, /foureyes: ok/);
    const allowed = repo.cli(['verify', '--range', `${start}..HEAD`, '--allow-break-glass']);
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    assert.match(allowed.stdout, /BREAK-GLASS: .* "outage INC-42"/);
  });

  it('verify over a range catches a --no-verify commit, and passes once an approval is committed', () => {
    const { repo, alice } = track(setup());
    const start = repo.git('rev-parse', 'HEAD').trim();
    repo.write('a.json', MARK_HIGH);
    repo.git('add', '.');
    assert.equal(repo.cli(['approve', '--staged', '--note', 'after the fact', '--key', alice]).code, 0);
    const [file] = approvals(repo);
    const approval = repo.read(file);
    repo.git('rm', '-q', '--cached', file);
    repo.git('clean', '-qfx', '.foureyes/approvals');
    assert.equal(repo.commit('sneak', '--no-verify').code, 0);
    let v = repo.cli(['verify', '--range', `${start}..HEAD`]);
    assert.equal(v.code, 1);
    assert.match(v.stdout, /bypassed the hook: [0-9a-f]{12} "sneak"/);
    const sarif = JSON.parse(repo.cli(['verify', '--range', `${start}..HEAD`, '--format', 'sarif']).stdout);
    assert.equal(sarif.runs[0].results[0].ruleId, 'test/marker');
    repo.write(file, approval);
    repo.git('add', '.');
    const c = repo.commit('approval');
    assert.equal(c.code, 0, c.stderr);
    v = repo.cli(['verify', '--base', start]);
    assert.equal(v.code, 0, v.stdout);
    assert.match(v.stdout, /bypassed the hook: [0-9a-f]{12} "sneak"/);
  });
});
