// The runner script lists the staged change with git while node starts and hands it over on
// stdin: the frames parse back to exactly what git prints, whatever the paths hold, and anything
// malformed or failed is asked of git again rather than guessed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { gitRaw } from '../../src/core/git';
import { prelistGroup } from '../../src/core/hook';
import { stagedInput, type ReviewInput } from '../../src/core/review/inputs';
import { AUTHOR_IDENT_ARGS, parsePrelisted, STAGED_DIFF_ARGS, STAGED_LS_ARGS } from '../../src/core/review/prelisted';
import { tempRepos, TempRepo } from '../e2e/repo';

const frame = (out: string | Buffer, code = 0): Buffer => Buffer.concat([Buffer.from(out), Buffer.from(`\0\0${code}\n`)]);

function runGroup(repo: TempRepo, env: NodeJS.ProcessEnv = repo.env): Buffer {
  const r = spawnSync('sh', ['-c', prelistGroup()], { cwd: repo.dir, env });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

/** The parts of an input that are data (functions and the object map compared separately). */
function comparable(i: ReviewInput): unknown {
  return { ...i, authorsOf: i.authorsOf('x'), blobs: undefined, env: undefined, repository: i.repository.roots() };
}

describe('hook runner: the staged listing handed over on stdin', function () {
  this.timeout(30_000);
  const { fresh } = tempRepos();

  it('parses empty, NUL-terminated and plain-text frames', () => {
    const raw = ':100644 100644 aa bb M\0a b.tf\0:000000 100644 00 cc A\0x\ny\0';
    const head = `${'a1'.repeat(20)}\n`;
    const p = parsePrelisted(Buffer.concat([frame(raw), frame(''), frame('Dev <dev@example.com> 1700000000 +0000\n'), frame(head)]));
    assert.ok(p);
    assert.equal(p.diff?.stdout.toString(), raw);
    assert.equal(p.ls?.stdout.length, 0);
    assert.equal(p.ident?.stdout.toString(), 'Dev <dev@example.com> 1700000000 +0000\n');
    assert.equal(p.head?.stdout.toString(), head);
  });

  it('drops a failed command (git is asked again for its message) and refuses malformed framing', () => {
    const p = parsePrelisted(Buffer.concat([frame('x\0'), frame('', 128), frame('', 128), frame('', 1)]));
    assert.ok(p?.diff);
    assert.equal(p?.ls, undefined);
    assert.equal(p?.ident, undefined);
    assert.equal(p?.head, undefined, 'an unborn branch: HEAD is asked of git');
    for (const bad of [
      Buffer.from(''),
      Buffer.from('garbage'),
      Buffer.concat([frame('x\0'), frame('')]),
      Buffer.concat([frame('x\0'), frame(''), frame('')]),
      Buffer.concat([frame('x\0'), frame(''), frame(''), frame(''), Buffer.from('extra')]),
      Buffer.concat([frame('x\0'), frame(''), frame(''), Buffer.from('y\0\0abc\n')]),
      Buffer.concat([frame('x\0'), frame(''), frame(''), Buffer.from('y\0\0')]),
    ]) {
      assert.equal(parsePrelisted(bad), undefined, JSON.stringify(bad.toString()));
    }
  });

  it("gives back git's own bytes for paths with spaces, quotes, newlines and non-ASCII, renames and records", () => {
    const repo = fresh();
    const names = ['plain.tf', 'with space.yaml', `it's "quoted".json`, 'new\nline.ts', 'zoë/ünïcode.tf'];
    for (const n of names) {
      mkdirSync(path.dirname(path.join(repo.dir, n)), { recursive: true });
      repo.write(n, `a = "${n.length}"\n`);
    }
    repo.write('.foureyes/rules.jsonc', '{}\n');
    repo.write('.foureyes/approvals/one.json', '{}\n');
    repo.git('add', '.');
    repo.git('commit', '-q', '-m', 'base');
    repo.git('mv', 'plain.tf', 'renamed plain.tf');
    for (const n of names.slice(1)) repo.write(n, `a = "changed ${n.length}"\n`);
    repo.write('.foureyes/approvals/two.json', '{}\n');
    repo.git('add', '.');
    const p = parsePrelisted(runGroup(repo));
    assert.ok(p?.diff && p.ls && p.ident && p.head);
    assert.equal(p.head.stdout.toString().trim(), repo.git('rev-parse', 'HEAD').trim());
    assert.deepEqual(p.diff.stdout, gitRaw(STAGED_DIFF_ARGS, { cwd: repo.dir, env: repo.env }).stdout);
    assert.deepEqual(p.ls.stdout, gitRaw(STAGED_LS_ARGS, { cwd: repo.dir, env: repo.env }).stdout);
    assert.equal(p.ident.stdout.toString().split(' <')[0], gitRaw(AUTHOR_IDENT_ARGS, { cwd: repo.dir, env: repo.env }).stdout.toString().split(' <')[0]);
  });

  it('gathers the same review input from the frames as from its own git processes, also on an unborn branch', async () => {
    const repo = fresh();
    repo.write('a.tf', 'a = 1\n');
    repo.write('.foureyes/rules.jsonc', '{}\n');
    repo.git('add', '.');
    const unborn = await stagedInput(repo.dir, repo.env, { prelisted: parsePrelisted(runGroup(repo)) });
    assert.deepEqual(comparable(unborn), comparable(await stagedInput(repo.dir, repo.env)));
    repo.git('commit', '-q', '-m', 'base');
    repo.write('a.tf', 'a = 2\n');
    repo.write('b.tf', 'b = 1\n');
    repo.git('add', '.');
    const listed = await stagedInput(repo.dir, repo.env, { prelisted: parsePrelisted(runGroup(repo)) });
    assert.deepEqual(comparable(listed), comparable(await stagedInput(repo.dir, repo.env)));
    assert.deepEqual(listed.changes.map((c) => c.path), ['a.tf', 'b.tf']);
    // The rules at HEAD come from the listing where it can tell (unchanged, edited, added) and from
    // git by name where it cannot (deleted, renamed), loose or packed: always what git says.
    const same = async (what: string) => {
      const viaFrames = await stagedInput(repo.dir, repo.env, { prelisted: parsePrelisted(runGroup(repo)) });
      const viaGit = await stagedInput(repo.dir, repo.env);
      assert.deepEqual(comparable(viaFrames), comparable(viaGit), what);
      return viaFrames;
    };
    repo.write('.foureyes/rules.jsonc', '{ "ignore": ["x/**"] }\n');
    repo.git('add', '.');
    const edited = await same('rules edited');
    assert.equal(edited.baseRules?.text, '{}\n');
    assert.equal(edited.targetRules?.text, '{ "ignore": ["x/**"] }\n');
    repo.git('gc', '-q');
    await same('rules edited, everything packed');
    repo.git('commit', '-q', '-m', 'rules');
    repo.git('rm', '-q', '.foureyes/rules.jsonc');
    const deleted = await same('rules deleted');
    assert.equal(deleted.baseRules?.text, '{ "ignore": ["x/**"] }\n');
    assert.equal(deleted.targetRules, undefined);
    repo.git('reset', '-q', '--hard');
    repo.git('rm', '-q', '--cached', '.foureyes/rules.jsonc');
    repo.git('commit', '-q', '-m', 'no rules');
    repo.git('add', '-N', '.foureyes/rules.jsonc');
    const intent = await same('rules intent-to-add (not at HEAD)');
    assert.equal(intent.baseRules, undefined);
    repo.git('rm', '-q', '--cached', '.foureyes/rules.jsonc');
    repo.git('add', '.foureyes/rules.jsonc');
    repo.git('commit', '-q', '-m', 'rules again');
    repo.git('mv', '.foureyes/rules.jsonc', '.foureyes/other.jsonc');
    repo.write('.foureyes/approvals/a.json', '{}\n');
    repo.git('add', '.');
    await same('rules renamed away, a record added');
  });

  it('asks git again when a frame failed, so its message reaches the user (no identity configured)', async () => {
    const repo = fresh();
    repo.write('a.tf', 'a = 1\n');
    repo.git('add', '.');
    const env = { ...repo.env, GIT_CONFIG_GLOBAL: '/dev/null', EMAIL: '', GIT_AUTHOR_NAME: '', GIT_AUTHOR_EMAIL: '' };
    const p = parsePrelisted(runGroup(repo, env));
    assert.ok(p?.diff);
    assert.equal(p?.ident, undefined);
    const plain = await stagedInput(repo.dir, env).then(() => 'ok', (e: Error) => e.message);
    const listed = await stagedInput(repo.dir, env, { prelisted: p }).then(() => 'ok', (e: Error) => e.message);
    assert.equal(listed, plain);
  });
});
