// The hook in the repository layouts git allows: existing hooks, core.hooksPath, husky, worktrees,
// odd paths, the initial commit, merges and --amend.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TempRepo } from './repo';

const MARK = '{ "db": "FOUREYES-TEST-high" }\n';

function seeded(): { repo: TempRepo; alice: string } {
  const repo = new TempRepo();
  const alice = repo.key('alice');
  repo.write('.foureyes/rules.jsonc', repo.rules([{ id: 'alice@example.com', key: alice }]));
  repo.git('add', '.');
  repo.git('commit', '-q', '-m', 'init');
  return { repo, alice };
}

describe('e2e: hook layouts', function () {
  this.timeout(60_000);
  const repos: TempRepo[] = [];
  after(() => repos.forEach((r) => r.cleanup()));

  it('keeps and still runs an existing pre-commit hook; uninstall restores it; re-install is idempotent', () => {
    const { repo } = seeded();
    repos.push(repo);
    const hook = path.join(repo.dir, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho ran >> "$(git rev-parse --git-dir)/foreign-ran"\n');
    chmodSync(hook, 0o755);
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    assert.equal(repo.cli(['hook', 'status']).code, 0);
    repo.write('a.json', MARK);
    repo.git('add', '.');
    assert.equal(repo.commit('a').code, 1);
    assert.ok(existsSync(path.join(repo.dir, '.git/foreign-ran')));
    assert.equal(repo.cli(['hook', 'uninstall']).code, 0);
    assert.match(readFileSync(hook, 'utf8'), /foreign-ran/);
  });

  it('installs into core.hooksPath and runs from there', () => {
    const { repo } = seeded();
    repos.push(repo);
    repo.git('config', 'core.hooksPath', 'my hooks');
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    assert.ok(existsSync(path.join(repo.dir, 'my hooks/pre-commit')));
    repo.write('a.json', MARK);
    repo.git('add', 'a.json');
    assert.equal(repo.commit('a').code, 1);
  });

  it('adds itself to husky instead of replacing husky', () => {
    const { repo } = seeded();
    repos.push(repo);
    mkdirSync(path.join(repo.dir, '.husky/_'), { recursive: true });
    repo.write('.husky/pre-commit', 'echo husky-ran > husky-ran.txt\n');
    // husky v9's dispatcher: .husky/_/pre-commit runs .husky/pre-commit.
    repo.write('.husky/_/pre-commit', '#!/bin/sh\nsh "$(dirname "$0")/../pre-commit"\n');
    chmodSync(path.join(repo.dir, '.husky/_/pre-commit'), 0o755);
    repo.git('config', 'core.hooksPath', '.husky/_');
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    assert.match(repo.read('.husky/pre-commit'), /echo husky-ran[\s\S]*foureyes/);
    repo.write('a.json', MARK);
    repo.git('add', 'a.json');
    assert.equal(repo.commit('a').code, 1);
    assert.ok(existsSync(path.join(repo.dir, 'husky-ran.txt')));
    assert.equal(repo.cli(['hook', 'uninstall']).code, 0);
    assert.doesNotMatch(repo.read('.husky/pre-commit'), /foureyes/);
  });

  it('works in a linked worktree and with spaces, quotes and non-ASCII in paths', () => {
    const { repo, alice } = seeded();
    repos.push(repo);
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    const wt = path.join(repo.base, "wt o'dd ü");
    repo.git('worktree', 'add', '-q', wt, '-b', 'feature');
    const file = `conf "q" d'x/prod ü.json`;
    mkdirSync(path.join(wt, path.dirname(file)), { recursive: true });
    writeFileSync(path.join(wt, file), MARK);
    repo.run('git', ['add', '.'], { cwd: wt });
    const blocked = repo.run('git', ['commit', '-q', '-m', 'x'], { cwd: wt });
    assert.equal(blocked.code, 1);
    assert.ok(blocked.stderr.includes(`${file}:1`), blocked.stderr);
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice], { cwd: wt }).code, 0);
    assert.equal(repo.run('git', ['commit', '-q', '-m', 'x'], { cwd: wt }).code, 0);
  });

  it('carries the detector data into the runtime: the hook catches an IAM grant', () => {
    const { repo } = seeded();
    repos.push(repo);
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    repo.write('policy.json', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) + '\n');
    repo.git('add', '.');
    const r = repo.commit('admin');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /iam\/aws-admin-access/);
    assert.doesNotMatch(r.stderr, /detector iam-aws failed/);
  });

  it('checks the initial commit against nothing and accepts the first rules file', () => {
    const repo = new TempRepo();
    repos.push(repo);
    const alice = repo.key('alice');
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    repo.write('.foureyes/rules.jsonc', repo.rules([{ id: 'alice@example.com', key: alice }]));
    repo.write('a.json', MARK);
    repo.git('add', '.');
    const r = repo.commit('first');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /first rules file/);
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]).code, 0);
    assert.equal(repo.commit('first').code, 0);
  });

  it('merges: findings approved on the merged branch do not block the merge; --amend keeps the author', () => {
    const { repo, alice } = seeded();
    repos.push(repo);
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('a.json', MARK);
    repo.git('add', '.');
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]).code, 0);
    assert.equal(repo.commit('feature').code, 0);
    repo.git('checkout', '-q', 'main');
    repo.write('other.txt', 'x\n');
    repo.git('add', '.');
    assert.equal(repo.commit('main work').code, 0);
    // alice merges: she approved a.json, but the merge does not introduce it (it came from feature).
    repo.git('config', 'user.email', 'alice@example.com');
    const m = repo.run('git', ['merge', '-q', '--no-ff', '-m', 'merge feature', 'feature']);
    assert.equal(m.code, 0, m.stderr);
    // --amend by alice of dev's commit keeps dev as author, so alice's approval still counts.
    repo.git('config', 'user.email', 'dev@example.com');
    repo.write('b.json', MARK.replace('db', 'b'));
    repo.git('add', '.');
    assert.equal(repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]).code, 0);
    assert.equal(repo.commit('b').code, 0);
    repo.git('config', 'user.email', 'alice@example.com');
    repo.write('b.json', MARK.replace('db', 'b') + '\n');
    repo.git('add', '.');
    const amend = repo.run('git', ['commit', '-q', '--amend', '--no-edit']);
    assert.equal(amend.code, 0, amend.stderr);
    // --reset-author makes alice the author: her own approval no longer counts for what the amend adds.
    repo.write('c.json', MARK.replace('db', 'c'));
    repo.git('add', '.');
    assert.equal(repo.run('git', ['commit', '-q', '--amend', '--no-edit', '--reset-author']).code, 1);
  });
});
