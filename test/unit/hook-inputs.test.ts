// The hook's fast input gathering gives the same answers git itself gives: repository paths read
// from .git, the author from git's exports, HEAD and the rules at HEAD through one cat-file, the
// staged rules and records, from the top or a subdirectory, on an unborn branch and in worktrees.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { authorFromEnv, gitText, ObjectReader, repoPathsFromDotGit, type RepoPaths } from '../../src/core/git';
import { AnalysisCache } from '../../src/core/review/cache';
import { stagedInput } from '../../src/core/review/inputs';
import { tempRepos } from '../e2e/repo';

function revParsePaths(cwd: string, env: NodeJS.ProcessEnv): RepoPaths {
  const [root, gitDir, common] = gitText(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'], { cwd, env }).split('\n');
  return { root, gitDir, commonDir: path.resolve(cwd, common) };
}

describe('hook inputs: fast paths agree with git', function () {
  this.timeout(30_000);
  const { fresh } = tempRepos();

  it('reads the repository paths from .git exactly as rev-parse reports them, in a worktree too', () => {
    const repo = fresh();
    repo.write('a.txt', 'a\n');
    repo.git('add', '.');
    repo.git('commit', '-q', '-m', 'a');
    // Hooks run with a physical cwd (process.cwd() is one), as rev-parse reports paths.
    const top = realpathSync(repo.dir);
    assert.deepEqual(repoPathsFromDotGit(top, repo.env), revParsePaths(top, repo.env));
    const wt = path.join(realpathSync(repo.base), 'linked wt');
    repo.git('worktree', 'add', '-q', wt, '-b', 'side');
    assert.deepEqual(repoPathsFromDotGit(wt, repo.env), revParsePaths(wt, repo.env));
  });

  it('leaves every uncertain layout to git: subdirectory, GIT_DIR, core.worktree, config includes, -c', () => {
    const repo = fresh();
    mkdirSync(path.join(repo.dir, 'sub'));
    assert.equal(repoPathsFromDotGit(path.join(repo.dir, 'sub'), repo.env), undefined);
    assert.equal(repoPathsFromDotGit(repo.dir, { ...repo.env, GIT_DIR: path.join(repo.dir, '.git') }), undefined);
    assert.equal(repoPathsFromDotGit(repo.dir, { ...repo.env, GIT_CONFIG_PARAMETERS: "'core.worktree'='/x'" }), undefined);
    repo.git('config', 'include.path', 'extra');
    assert.equal(repoPathsFromDotGit(repo.dir, repo.env), undefined);
    repo.git('config', '--unset', 'include.path');
    assert.ok(repoPathsFromDotGit(repo.dir, repo.env));
    repo.git('config', 'core.worktree', repo.dir);
    assert.equal(repoPathsFromDotGit(repo.dir, repo.env), undefined);
  });

  it('takes the author from GIT_AUTHOR_* only where git var would print the same', () => {
    const repo = fresh();
    const cases: Array<[string, string]> = [
      ['Dev Eloper', 'dev@example.com'],
      ['Zoë Ünïcode', 'zoe@exämple.com'],
      ['  padded ', 'x@example.com'],
      ['Trailing.', 'x@example.com'],
      ['Quote"d', '<x@example.com>'],
      ['In<side>', 'x@example.com'],
    ];
    for (const [name, email] of cases) {
      const env = { ...repo.env, GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email };
      const fromGit = gitText(['var', 'GIT_AUTHOR_IDENT'], { cwd: repo.dir, env }).replace(/ \d+ [+-]\d{4}\n$/, '');
      const fast = authorFromEnv(env);
      if (fast) assert.equal(`${fast.name} <${fast.email}>`, fromGit, `${name} / ${email}`);
    }
    assert.deepEqual(authorFromEnv({ GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com' }), { name: 'Dev', email: 'dev@example.com' });
    assert.equal(authorFromEnv({ GIT_AUTHOR_NAME: 'Dev' }), undefined);
    assert.equal(authorFromEnv({ GIT_AUTHOR_NAME: ' Dev', GIT_AUTHOR_EMAIL: 'dev@example.com' }), undefined);
  });

  it('reads objects in rounds through one cat-file, missing ones as undefined', async () => {
    const repo = fresh();
    repo.write('a.txt', 'hello\n');
    repo.git('add', '.');
    repo.git('commit', '-q', '-m', 'a');
    const reader = new ObjectReader(repo.dir, repo.env);
    reader.ask(['HEAD^{commit}', 'HEAD:a.txt', 'HEAD:nope']);
    const blob = gitText(['rev-parse', 'HEAD:a.txt'], { cwd: repo.dir, env: repo.env }).trim();
    reader.ask([blob]);
    const got = await reader.read();
    assert.equal(got.get('HEAD^{commit}')?.type, 'commit');
    assert.equal(got.get('HEAD:a.txt')?.id, blob);
    assert.equal(got.get('HEAD:a.txt')?.data?.toString(), 'hello\n');
    assert.equal(got.get('HEAD:nope'), undefined);
    assert.equal(got.get(blob)?.data?.toString(), 'hello\n');
  });

  it('gathers an unborn branch: no base, the staged rules, records, author from git var', async () => {
    const repo = fresh();
    repo.write('.foureyes/rules.jsonc', '{ "seniors": [] }\n');
    repo.write('.foureyes/approvals/abc.json', '{}\n');
    repo.write('.foureyes/approvals/.gitkeep', '');
    repo.write('x.json', '{}\n');
    repo.git('add', '.');
    const input = await stagedInput(repo.dir, repo.env);
    assert.equal(input.base, '4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    assert.equal(input.baseRules, undefined);
    assert.equal(input.targetRules?.text, '{ "seniors": [] }\n');
    assert.deepEqual(input.records.map((r) => [r.path, r.text]), [['.foureyes/approvals/abc.json', '{}\n']]);
    assert.deepEqual(input.authorsOf('x.json'), ['dev@example.com']);
    assert.deepEqual(input.changes.map((c) => c.path).sort(), ['.foureyes/approvals/.gitkeep', '.foureyes/approvals/abc.json', '.foureyes/rules.jsonc', 'x.json']);
  });

  it('gathers HEAD, the rules at HEAD and staged, renames, from a subdirectory with diff.relative set', async () => {
    const repo = fresh();
    repo.write('.foureyes/rules.jsonc', '{ "seniors": [] }\n');
    repo.write('app/old.json', '{ "a": 1 }\n');
    repo.git('add', '.');
    repo.git('commit', '-q', '-m', 'base');
    const head = repo.git('rev-parse', 'HEAD').trim();
    repo.write('.foureyes/rules.jsonc', '{ "seniors": [], "rules": {} }\n');
    repo.git('mv', 'app/old.json', 'app/new.json');
    repo.git('add', '.');
    repo.git('config', 'diff.relative', 'true');
    const top = realpathSync(repo.dir);
    for (const cwd of [top, path.join(top, 'app')]) {
      const input = await stagedInput(cwd, repo.env);
      assert.equal(input.root, revParsePaths(top, repo.env).root);
      assert.equal(input.base, head);
      assert.equal(input.baseRules?.text, '{ "seniors": [] }\n');
      assert.equal(input.baseRules?.id, repo.git('rev-parse', 'HEAD:.foureyes/rules.jsonc').trim());
      assert.equal(input.targetRules?.text, '{ "seniors": [], "rules": {} }\n');
      const renamed = input.changes.find((c) => c.path === 'app/new.json');
      assert.equal(renamed?.status, 'R');
      assert.equal(renamed?.oldPath, 'app/old.json');
    }
    repo.git('rm', '-q', '-f', '.foureyes/rules.jsonc');
    const gone = await stagedInput(repo.dir, repo.env);
    assert.equal(gone.baseRules?.text, '{ "seniors": [] }\n');
    assert.equal(gone.targetRules, undefined);
  });

  it('fails with the reason outside a repository, and leaves no git running', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-norepo-'));
    try {
      await assert.rejects(stagedInput(dir, { PATH: process.env.PATH, GIT_CEILING_DIRECTORIES: path.dirname(dir) }), /not a git repository|not inside a git working tree/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hook inputs: analysis cache', () => {
  it('stores one file per entry, reads back what it stored, and treats a corrupt entry as a miss', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-cache-'));
    try {
      const cache = new AnalysisCache(path.join(dir, 'analysis'));
      const k1 = AnalysisCache.key(['v', 'rules', 'a.json', '', 'b1']);
      const k2 = AnalysisCache.key(['v', 'rules', 'b.json', '', 'b2']);
      cache.set(k1, { findings: [], notes: [{ path: 'a.json', level: 'info', message: 'm' }], analysed: true });
      cache.set(k2, { findings: [], notes: [], analysed: false });
      cache.save();
      const again = new AnalysisCache(path.join(dir, 'analysis'));
      assert.deepEqual(again.get(k1), { findings: [], notes: [{ path: 'a.json', level: 'info', message: 'm' }], analysed: true });
      assert.equal(readdirSync(path.join(dir, 'analysis')).length, new Set([k1.slice(0, 2), k2.slice(0, 2)]).size);
      writeFileSync(path.join(dir, 'analysis', k2.slice(0, 2), `${k2}.json`), '{ "findings": [');
      assert.equal(again.get(k2), undefined);
      assert.equal(again.get('../../etc/passwd'), undefined);
      assert.equal(new AnalysisCache(undefined).get(k1), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
