// Approvals are bound to the repository (its root commits): real git, real ssh-keygen, the
// installed hook, several temporary repositories with the same seniors and the same content.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempRepos, TempRepo } from './repo';

const MARK_HIGH = '{ "db": "FOUREYES-TEST-high" }\n';

function approvals(repo: TempRepo): string[] {
  const dir = path.join(repo.dir, '.foureyes/approvals');
  return existsSync(dir) ? readdirSync(dir).map((f) => `.foureyes/approvals/${f}`) : [];
}

/** Copies the approval files of `from` into `to` and stages them (what a replay looks like). */
function replay(from: TempRepo, to: TempRepo): void {
  mkdirSync(path.join(to.dir, '.foureyes/approvals'), { recursive: true });
  for (const f of approvals(from)) copyFileSync(path.join(from.dir, f), path.join(to.dir, f));
  to.git('add', '.foureyes/approvals');
}

describe('e2e: approvals bound to the repository', function () {
  this.timeout(90_000);
  const { fresh } = tempRepos();

  /** A repository with alice and bob as seniors (the same keys each time), hook installed. */
  function project(keys: { alice: string; bob: string; pubs: TempRepo }, readme: string): TempRepo {
    const repo = fresh();
    repo.write('.foureyes/rules.jsonc', keys.pubs.rules([{ id: 'alice@example.com', key: keys.alice }, { id: 'bob@example.com', key: keys.bob }]));
    repo.write('README.txt', readme);
    repo.git('add', '.');
    assert.equal(repo.commit('init').code, 0);
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    return repo;
  }

  function seniors() {
    const pubs = fresh();
    return { alice: pubs.key('alice'), bob: pubs.key('bob'), pubs };
  }

  /** Two unrelated repositories with the same seniors, each with the same risky change staged. */
  function twinsStaged() {
    const keys = seniors();
    const a = project(keys, 'project a\n');
    const b = project(keys, 'project b\n');
    for (const r of [a, b]) {
      r.write('config/prod.json', MARK_HIGH);
      r.git('add', '.');
    }
    return { keys, a, b };
  }

  it('refuses an approval replayed into another repository with the same seniors and content, naming both roots', () => {
    const { keys, a, b } = twinsStaged();
    assert.equal(a.cli(['approve', '--staged', '--note', 'ok for a', '--key', keys.alice]).code, 0);
    assert.equal(a.commit('prod config').code, 0);
    replay(a, b);
    const blocked = b.commit('prod config');
    assert.equal(blocked.code, 1, 'the replayed approval must not let the commit through');
    const rootA = a.git('rev-list', '--max-parents=0', 'HEAD').trim().slice(0, 7);
    const rootB = b.git('rev-list', '--max-parents=0', 'HEAD').trim().slice(0, 7);
    assert.notEqual(rootA, rootB);
    assert.match(blocked.stderr, new RegExp(`approval was made for another repository \\(root ${rootA}\\), this repository's root is ${rootB}`));
    // CI says the same when the replay was committed past the hook.
    const start = b.git('rev-parse', 'HEAD').trim();
    assert.equal(b.commit('prod config', '--no-verify').code, 0);
    const v = b.cli(['verify', '--range', `${start}..HEAD`]);
    assert.equal(v.code, 1);
    assert.match(v.stdout, /approval was made for another repository/);
    const status = JSON.parse(b.cli(['status', '--format', 'json']).stdout);
    assert.ok(status.records.some((r: { state: string; problems: string[] }) => r.state === 'invalid' && r.problems.some((p) => /another repository/.test(p))));
  });

  it('keeps an approval valid in its own repository, in a clone and in a fork, and in verify over the range', () => {
    const keys = seniors();
    const a = project(keys, 'project a\n');
    const start = a.git('rev-parse', 'HEAD').trim();
    const fork = fresh();
    fork.run('git', ['clone', '-q', a.dir, path.join(fork.base, 'fork')]);
    const forkDir = path.join(fork.base, 'fork');
    a.write('config/prod.json', MARK_HIGH);
    a.git('add', '.');
    assert.equal(a.cli(['approve', '--staged', '--note', 'ok', '--key', keys.bob]).code, 0);
    assert.equal(a.commit('prod config').code, 0);
    const v = a.cli(['verify', '--range', `${start}..HEAD`]);
    assert.equal(v.code, 0, v.stdout);
    // The fork (a clone that went its own way) has the same root: the same approval counts there.
    assert.equal(fork.run('git', ['commit', '-q', '--allow-empty', '-m', 'fork work'], { cwd: forkDir }).code, 0);
    assert.equal(fork.cli(['hook', 'install'], { cwd: forkDir }).code, 0);
    mkdirSync(path.join(forkDir, 'config'), { recursive: true });
    writeFileSync(path.join(forkDir, 'config/prod.json'), MARK_HIGH);
    mkdirSync(path.join(forkDir, '.foureyes/approvals'), { recursive: true });
    for (const f of approvals(a)) copyFileSync(path.join(a.dir, f), path.join(forkDir, f));
    fork.run('git', ['add', '.'], { cwd: forkDir });
    const c = fork.run('git', ['commit', '-q', '-m', 'same change in the fork'], { cwd: forkDir });
    assert.equal(c.code, 0, c.stderr);
  });

  it('an approval made before the first commit is valid at the root (hook and verify), and refused when copied to another repository later', () => {
    const keys = seniors();
    const unborn = fresh();
    unborn.write('.foureyes/rules.jsonc', keys.pubs.rules([{ id: 'alice@example.com', key: keys.alice }, { id: 'bob@example.com', key: keys.bob }]));
    unborn.write('config/prod.json', MARK_HIGH);
    unborn.git('add', '.');
    assert.equal(unborn.cli(['hook', 'install']).code, 0);
    assert.equal(unborn.commit('init').code, 1, 'the initial commit needs review too');
    const ap = unborn.cli(['approve', '--staged', '--note', 'bootstrap', '--key', keys.alice]);
    assert.equal(ap.code, 0, ap.stderr);
    const [file] = approvals(unborn);
    assert.deepEqual(JSON.parse(unborn.read(file)).roots, []);
    const root = unborn.commit('init');
    assert.equal(root.code, 0, root.stderr);
    assert.equal(unborn.git('rev-list', '--count', 'HEAD').trim(), '1');
    // CI over the whole history checks the root commit itself.
    const v = unborn.cli(['verify', '--range', '..HEAD']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.doesNotMatch(v.stdout, /bypassed the hook/);
    // Later commits in the same repository still see it as valid (it was committed with the root).
    unborn.write('notes.txt', 'x\n');
    unborn.git('add', '.');
    assert.equal(unborn.commit('more').code, 0);
    assert.equal(unborn.cli(['verify', '--range', '..HEAD']).code, 0);

    const other = project(keys, 'other project\n');
    other.write('config/prod.json', MARK_HIGH);
    other.git('add', '.');
    replay(unborn, other);
    const blocked = other.commit('copied');
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /approval was made for the first commit of a repository \(no history yet\) and counts only in that commit; this repository's root is [0-9a-f]{7}/);
    const start = other.git('rev-parse', 'HEAD').trim();
    assert.equal(other.commit('copied', '--no-verify').code, 0);
    const v2 = other.cli(['verify', '--range', '..HEAD']);
    assert.equal(v2.code, 1);
    assert.match(v2.stdout, /counts only in that commit/);
    assert.equal(other.cli(['verify', '--range', `${start}..HEAD`]).code, 1);
  });

  it('carries the binding through request -> review (in a clone) -> import, and refuses the token in another repository', () => {
    const { keys, a, b } = twinsStaged();
    const req = a.cli(['request', '--staged']);
    assert.equal(req.code, 0, req.stderr);
    const rootA = a.git('rev-list', '--max-parents=0', 'HEAD').trim();
    assert.match(req.stdout, new RegExp(`repository root ${rootA.slice(0, 7)}`));
    const senior = fresh();
    const reqFile = path.join(senior.base, 'req.md');
    writeFileSync(reqFile, req.stdout);
    // In a clone of another repository the senior is told and nothing is signed.
    senior.run('git', ['clone', '-q', b.dir, path.join(senior.base, 'b')]);
    const wrong = senior.cli(['review', reqFile, '--note', 'fine', '--key', keys.alice, '--yes'], { cwd: path.join(senior.base, 'b') });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /the request is for another repository \(root [0-9a-f]{7}\) than the clone you run review in/);
    assert.equal(wrong.stdout, '');
    senior.run('git', ['clone', '-q', a.dir, path.join(senior.base, 'a')]);
    const rev = senior.cli(['review', reqFile, '--note', 'fine', '--key', keys.alice], { cwd: path.join(senior.base, 'a'), input: 'y\n' });
    assert.equal(rev.code, 0, rev.stderr);
    assert.match(rev.stderr, new RegExp(`for the repository root ${rootA.slice(0, 7)}`));
    const token = rev.stdout.trim();
    const record = JSON.parse(Buffer.from(token.slice('foureyes-approval:'.length), 'base64url').toString('utf8'));
    assert.deepEqual(record.roots, [rootA]);
    const refused = b.cli(['import', token]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /approval token refused: approval was made for another repository/);
    assert.deepEqual(approvals(b), []);
    const imp = a.cli(['import', token]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(a.commit('prod config').code, 0);
  });

  it('refuses a request token from an older foureyes (it does not say which repository)', () => {
    const keys = seniors();
    const a = project(keys, 'project a\n');
    a.write('config/prod.json', MARK_HIGH);
    a.git('add', '.');
    const old = 'foureyes-request:' + Buffer.from(JSON.stringify({ version: 1, kind: 'request', author: 'dev@example.com', base: 'x', createdAt: '2026-01-01T00:00:00Z', findings: [] })).toString('base64url');
    const r = a.cli(['review', old, '--note', 'x', '--key', keys.alice, '--yes']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /older foureyes and does not say which repository/);
  });

  it('refuses to bind approvals in a shallow clone (its cut-off commit looks like a root)', () => {
    const keys = seniors();
    const a = project(keys, 'project a\n');
    for (let i = 0; i < 3; i++) {
      a.write(`n${i}.txt`, `${i}\n`);
      a.git('add', '.');
      assert.equal(a.commit(`n${i}`).code, 0);
    }
    a.write('config/prod.json', MARK_HIGH);
    a.git('add', '.');
    assert.equal(a.cli(['approve', '--staged', '--note', 'ok', '--key', keys.alice]).code, 0);
    assert.equal(a.commit('prod').code, 0);
    const ci = fresh();
    const dir = path.join(ci.base, 'shallow');
    assert.equal(ci.run('git', ['clone', '-q', '--depth', '2', `file://${a.dir}`, dir]).code, 0);
    const v = ci.cli(['verify', '--range', 'HEAD~1..HEAD'], { cwd: dir });
    assert.equal(v.code, 1);
    assert.match(v.stdout, /this clone is shallow/);
  });

  it('verify counts a Co-authored-by trailer as an author: the co-author cannot be the approver', () => {
    const keys = seniors();
    const a = project(keys, 'project a\n');
    const start = a.git('rev-parse', 'HEAD').trim();
    a.write('config/prod.json', MARK_HIGH);
    a.git('add', '.');
    assert.equal(a.cli(['approve', '--staged', '--note', 'ok', '--key', keys.alice]).code, 0);
    // The hook cannot see the message yet; CI reads the trailer.
    assert.equal(a.commit('pairing', '-m', 'Co-authored-by: Alice <ALICE@example.com>').code, 0);
    const v = a.cli(['verify', '--range', `${start}..HEAD`]);
    assert.equal(v.code, 1, v.stdout);
    assert.match(v.stdout, /the reviewer is the author of the change \(four eyes\)/);
  });

  it('the hook reads approvals from the index: an approval only in the working tree does not count', () => {
    const keys = seniors();
    const a = project(keys, 'project a\n');
    a.write('config/prod.json', MARK_HIGH);
    a.git('add', '.');
    assert.equal(a.cli(['approve', '--staged', '--note', 'ok', '--key', keys.alice]).code, 0);
    const [file] = approvals(a);
    a.git('rm', '-q', '--cached', file);
    const blocked = a.commit('unstaged approval');
    assert.equal(blocked.code, 1);
    assert.match(blocked.stderr, /config\/prod\.json:1/);
    a.git('add', file);
    assert.equal(a.commit('staged approval').code, 0);
  });
});
