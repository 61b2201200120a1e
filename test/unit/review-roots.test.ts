// Which repository this is: root commits of a revision, from a full walk or from the cache
// entries of recent ancestors; both must give git's own answer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EMPTY_TREE } from '../../src/core/git';
import { repoBinding, rootCommits, RootsError } from '../../src/core/review/roots';

describe('repository roots', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-roots-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x' };
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const common = path.join(dir, '.git');
  const truth = (rev: string) => git('rev-list', '--max-parents=0', rev).split('\n').sort();
  const clearCache = () => rmSync(path.join(common, 'foureyes'), { recursive: true, force: true });

  before(() => {
    git('init', '-q', '-b', 'main');
    for (let i = 0; i < 5; i++) {
      writeFileSync(path.join(dir, 'f.txt'), `${i}\n`);
      git('add', '.');
      git('commit', '-q', '-m', `c${i}`);
    }
    git('checkout', '-q', '--orphan', 'other');
    git('rm', '-rq', '--cached', '.');
    writeFileSync(path.join(dir, 'g.txt'), 'g\n');
    git('add', 'g.txt');
    git('commit', '-q', '-m', 'other root');
    git('checkout', '-q', '-f', 'main');
    git('merge', '-q', '--allow-unrelated-histories', '-m', 'merge other', 'other');
    for (let i = 0; i < 3; i++) git('commit', '-q', '--allow-empty', '-m', `after ${i}`);
  });

  it('gives git’s answer by a full walk, and the same from cached ancestors (merge of unrelated histories included)', () => {
    clearCache();
    const tip = git('rev-parse', 'HEAD');
    assert.deepEqual(rootCommits(dir, common, 'HEAD~5'), truth('HEAD~5'));
    assert.deepEqual(rootCommits(dir, common, tip), truth(tip));
    assert.equal(truth(tip).length, 2);
    clearCache();
    assert.deepEqual(rootCommits(dir, common, 'HEAD~3'), truth('HEAD~3'));
    assert.deepEqual(rootCommits(dir, common, tip), truth(tip), 'derived from the cached entry of an ancestor');
    assert.ok(existsSync(path.join(common, 'foureyes/cache/roots', tip.slice(0, 2), tip)));
  });

  it('ignores a corrupt cache entry and refuses a shallow clone', () => {
    const tip = git('rev-parse', 'HEAD');
    writeFileSync(path.join(common, 'foureyes/cache/roots', tip.slice(0, 2), tip), 'not a commit\n');
    assert.deepEqual(rootCommits(dir, common, tip), truth(tip));
    writeFileSync(path.join(common, 'shallow'), `${tip}\n`);
    try {
      assert.throws(() => rootCommits(dir, common, tip), RootsError);
      assert.throws(() => rootCommits(dir, common, tip), /shallow/);
    } finally {
      rmSync(path.join(common, 'shallow'));
    }
  });

  it('binds a check before the first commit to no history, and otherwise allows unborn approvals only from a root commit', () => {
    const unborn = repoBinding(dir, common, EMPTY_TREE, env);
    assert.deepEqual(unborn.roots(), []);
    assert.equal(unborn.allowsUnborn('.foureyes/approvals/x.json'), true);
    const here = repoBinding(dir, common, git('rev-parse', 'HEAD'), env);
    assert.equal(here.allowsUnborn('f.txt'), true, 'f.txt was committed in a root commit');
    assert.equal(here.allowsUnborn('.foureyes/approvals/x.json'), false);
  });
});
