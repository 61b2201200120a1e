// Hardening: `check --staged` on git's odd states and odd files, faults around it, and attacks on
// approvals beyond the ones in review.test.ts. Real git, real ssh-keygen, temp repositories.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI } from '../unit/helpers';
import { TempRepo, type Run } from './repo';

/** A node process running the installed hook with its working directory in `dir` (Linux /proc). */
function hookRunningIn(dir: string): boolean {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/hook(-boot)?\.js/.test(cmd) && realpathSync(`/proc/${pid}/cwd`) === realpathSync(dir)) return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}

const MARK = '{ "db": "FOUREYES-TEST-high" }\n';

function setup(base?: string): { repo: TempRepo; alice: string } {
  const repo = new TempRepo(base);
  const alice = repo.key('alice');
  repo.write('.foureyes/rules.jsonc', repo.rules([{ id: 'alice@example.com', key: alice }]));
  repo.write('README.txt', 'hello\n');
  repo.git('add', '.');
  assert.equal(repo.commit('init').code, 0);
  return { repo, alice };
}

interface Checked {
  run: Run;
  paths: string[];
}

/** `check --staged --format json`: never an internal error; the flagged paths. */
function check(repo: TempRepo, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Checked {
  const run = repo.cli(['check', '--staged', '--format', 'json'], opts);
  assert.doesNotMatch(run.stderr, /internal error/, run.stderr);
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  let paths: string[] = [];
  try {
    const report = JSON.parse(run.stdout) as { findings: Array<{ path: string }> };
    paths = report.findings.map((f) => f.path).sort();
  } catch {
    assert.fail(`not JSON: ${run.stdout}\n${run.stderr}`);
  }
  return { run, paths };
}

/** Unresolved conflicts cannot be judged: blocked, naming the file, never passed. */
function assertConflictBlocks(repo: TempRepo): void {
  const r = repo.cli(['check', '--staged']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /unresolved merge conflicts in c\.txt/);
}

function approvalFiles(repo: TempRepo): string[] {
  const dir = path.join(repo.dir, '.foureyes/approvals');
  return existsSync(dir) ? readdirSync(dir).map((f) => `.foureyes/approvals/${f}`) : [];
}

describe('e2e hardening: git states and odd files for check --staged', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  const track = <T extends { repo: TempRepo }>(s: T) => (repos.push(s.repo), s);
  after(() => repos.forEach((r) => r.cleanup()));

  it('no HEAD yet: everything staged is new', () => {
    const repo = new TempRepo();
    repos.push(repo);
    repo.write('a.json', MARK);
    repo.git('add', '.');
    const c = check(repo);
    assert.equal(c.run.code, 1);
    assert.deepEqual(c.paths, ['a.json']);
  });

  it('detached HEAD', () => {
    const { repo } = track(setup());
    repo.git('checkout', '-q', '--detach');
    repo.write('a.json', MARK);
    repo.git('add', '.');
    assert.deepEqual(check(repo).paths, ['a.json']);
  });

  it('merge in progress with a conflict, and after resolving it', () => {
    const { repo } = track(setup());
    repo.write('c.txt', 'base\n');
    repo.git('add', '.');
    repo.commit('c', '--no-verify');
    repo.git('checkout', '-q', '-b', 'other');
    repo.write('c.txt', 'other\n');
    repo.write('a.json', MARK);
    repo.git('add', '.');
    repo.commit('other', '--no-verify');
    repo.git('checkout', '-q', 'main');
    repo.write('c.txt', 'main\n');
    repo.git('add', '.');
    repo.commit('main', '--no-verify');
    assert.notEqual(repo.run('git', ['merge', '-q', 'other']).code, 0);
    assertConflictBlocks(repo);
    repo.write('c.txt', 'resolved\n');
    repo.git('add', 'c.txt');
    // What the merge brings in was checked on its own branch (and by `verify` in CI).
    assert.deepEqual(check(repo).paths, []);
  });

  it('rebase stopped on a conflict', () => {
    const { repo } = track(setup());
    repo.write('c.txt', 'base\n');
    repo.git('add', '.');
    repo.commit('c', '--no-verify');
    repo.git('checkout', '-q', '-b', 'topic');
    repo.write('c.txt', 'topic\n');
    repo.write('a.json', MARK);
    repo.git('add', '.');
    repo.commit('topic', '--no-verify');
    repo.git('checkout', '-q', 'main');
    repo.write('c.txt', 'main\n');
    repo.git('add', '.');
    repo.commit('main', '--no-verify');
    repo.git('checkout', '-q', 'topic');
    assert.notEqual(repo.run('git', ['rebase', '-q', 'main']).code, 0);
    assertConflictBlocks(repo);
    repo.write('c.txt', 'resolved\n');
    repo.git('add', 'c.txt');
    assert.deepEqual(check(repo).paths, ['a.json']);
  });

  it('a submodule (gitlink) is not read as a file; .git is a file inside it', () => {
    const { repo } = track(setup());
    const sub = new TempRepo();
    repos.push(sub);
    sub.write('inner.json', MARK);
    sub.git('add', '.');
    sub.git('commit', '-q', '-m', 'inner');
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendored mod');
    const c = check(repo);
    assert.deepEqual(c.paths, []);
    // Inside the submodule, .git is a file pointing at the superproject's modules directory.
    const inner = path.join(repo.dir, 'vendored mod');
    writeFileSync(path.join(inner, 'b.json'), MARK);
    repo.run('git', ['add', 'b.json'], { cwd: inner });
    assert.deepEqual(check(repo, { cwd: inner }).paths, ['b.json']);
  });

  it('sparse checkout: staged files outside the cone are still checked from the index', () => {
    const { repo } = track(setup());
    repo.write('in/x.txt', 'x\n');
    repo.write('out/y.txt', 'y\n');
    repo.git('add', '.');
    repo.commit('dirs', '--no-verify');
    repo.git('sparse-checkout', 'set', 'in');
    repo.write('in/a.json', MARK);
    repo.git('add', 'in/a.json');
    assert.deepEqual(check(repo).paths, ['in/a.json']);
  });

  it('symlinks are checked as links, never followed (inside or outside the repository)', () => {
    const { repo } = track(setup());
    const outside = mkdtempSync(path.join(os.tmpdir(), 'foureyes-outside-'));
    writeFileSync(path.join(outside, 'secret.json'), MARK);
    repo.write('real.json', '{}\n');
    symlinkSync(path.join(outside, 'secret.json'), path.join(repo.dir, 'out.json'));
    symlinkSync('real.json', path.join(repo.dir, 'in.json'));
    symlinkSync('/nonexistent/x.json', path.join(repo.dir, 'dangling.json'));
    repo.git('add', '.');
    assert.deepEqual(check(repo).paths, []);
  });

  it('renames carry no new risk; a copy is new content; mode-only changes add nothing', () => {
    const { repo } = track(setup());
    repo.write('a.json', MARK);
    repo.git('add', '.');
    repo.commit('a', '--no-verify');
    repo.git('mv', 'a.json', 'b.json');
    assert.deepEqual(check(repo).paths, []);
    repo.git('mv', 'b.json', 'a.json');
    repo.write('copy.json', MARK);
    repo.git('add', '.');
    assert.deepEqual(check(repo).paths, ['copy.json']);
    repo.git('rm', '-q', '--cached', 'copy.json');
    chmodSync(path.join(repo.dir, 'a.json'), 0o755);
    repo.git('add', 'a.json');
    assert.match(repo.git('diff', '--cached', '--summary'), /mode change/);
    assert.deepEqual(check(repo).paths, []);
  });

  it('binary files and deleted files pass without error', () => {
    const { repo } = track(setup());
    repo.write('a.json', MARK);
    repo.git('add', '.');
    repo.commit('a', '--no-verify');
    writeFileSync(path.join(repo.dir, 'blob.json'), Buffer.from([0x7b, 0, 1, 2, 0xff, 0, 0x7d]));
    repo.git('rm', '-q', 'a.json');
    repo.git('add', '.');
    const c = check(repo);
    assert.equal(c.run.code, 0, c.run.stderr);
  });

  it('file names with spaces, quotes, a newline and non-ASCII characters', () => {
    const { repo } = track(setup());
    const names = ['with space.json', 'q"uote.json', "it's.json", 'new\nline.json', 'ünï-日本.json', '-dash.json'];
    for (const n of names) writeFileSync(path.join(repo.dir, n), MARK);
    repo.git('add', '--', ...names);
    assert.deepEqual(check(repo).paths, [...names].sort());
  });

  it('a repository whose path has spaces, and a separate git dir (.git is a file)', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'foureyes e2e with spaces '));
    const { repo } = track(setup(base));
    repo.write('a.json', MARK);
    repo.git('add', '.');
    assert.deepEqual(check(repo).paths, ['a.json']);
    const sep = new TempRepo();
    repos.push(sep);
    const gitdir = path.join(sep.base, 'elsewhere.git');
    const work = path.join(sep.base, 'work tree');
    mkdirSync(work);
    sep.run('git', ['init', '-q', '--separate-git-dir', gitdir, work]);
    writeFileSync(path.join(work, 'a.json'), MARK);
    sep.run('git', ['add', '.'], { cwd: work });
    assert.deepEqual(check(sep, { cwd: work }).paths, ['a.json']);
  });
});

describe('e2e hardening: faults', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => repos.forEach((r) => r.cleanup()));

  /** Whether this process may bind-mount read-only in a private mount namespace (root with CAP_SYS_ADMIN). */
  function readOnlyMountWorks(repo: TempRepo): boolean {
    const probe = mkdtempSync(path.join(repo.base, 'ro-'));
    const r = repo.run('unshare', ['-m', 'sh', '-c', 'mount --bind -o ro "$1" "$1" && ! touch "$1/x" 2>/dev/null', 'sh', probe]);
    return r.code === 0;
  }

  /** A PATH holding only node (and whatever else is named), to take git or ssh-keygen away. */
  function pathWithout(repo: TempRepo, keep: string[]): string {
    const bin = path.join(repo.base, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const tool of keep) {
      const which = repo.run('sh', ['-c', `command -v ${tool}`]).stdout.trim();
      if (which && !existsSync(path.join(bin, tool))) symlinkSync(which, path.join(bin, tool));
    }
    return bin;
  }

  it('git missing from PATH: blocked with a one-line reason, not a pass', () => {
    const { repo } = setup();
    repos.push(repo);
    repo.write('a.json', MARK);
    repo.git('add', '.');
    const r = repo.run(process.execPath, [CLI, 'check', '--staged'], { env: { PATH: pathWithout(repo, []) } });
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /blocked \(fail closed\).*is git installed and on PATH/);
    assert.doesNotMatch(r.stderr, /internal error|    at /);
  });

  it('ssh-keygen missing from PATH: approve fails with exit 2 and writes nothing', () => {
    const { repo, alice } = setup();
    repos.push(repo);
    repo.write('a.json', MARK);
    repo.git('add', '.');
    const r = repo.run(process.execPath, [CLI, 'approve', '--staged', '--note', 'ok', '--key', alice], { env: { PATH: pathWithout(repo, ['git']) } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /ssh-keygen/);
    assert.deepEqual(approvalFiles(repo), []);
  });

  it('a failing write of the approval leaves nothing half-written', () => {
    const { repo, alice } = setup();
    repos.push(repo);
    repo.write('a.json', MARK);
    repo.git('add', '.');
    // A file where the approvals directory should be: every write under it fails (ENOTDIR).
    repo.write('.foureyes/approvals', 'not a directory\n');
    const r = repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cannot write the approval .*nothing was written/);
    assert.doesNotMatch(r.stderr, /internal error|    at /);
    assert.equal(repo.read('.foureyes/approvals'), 'not a directory\n');
    assert.deepEqual(readdirSync(path.join(repo.dir, '.foureyes')).sort(), ['approvals', 'rules.jsonc']);
  });

  it('a corrupted approval file blocks with a message naming it', () => {
    const { repo } = setup();
    repos.push(repo);
    repo.write('a.json', MARK);
    repo.write('.foureyes/approvals/broken.json', '{ "version": 1, "findings": [ tru');
    repo.git('add', '.');
    const r = repo.cli(['check', '--staged']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /broken\.json/);
  });

  it('a read-only git directory still decides (the cache is optional)', () => {
    const { repo } = setup();
    repos.push(repo);
    repo.write('a.json', MARK);
    repo.git('add', '.');
    const gitDir = path.join(repo.dir, '.git');
    const cache = path.join(gitDir, 'foureyes');
    rmSync(cache, { recursive: true, force: true });
    let r: Run;
    if (process.getuid?.() !== 0) {
      repo.run('chmod', ['-R', 'a-w', gitDir]);
      try {
        r = repo.cli(['check', '--staged']);
      } finally {
        repo.run('chmod', ['-R', 'u+w', gitDir]);
      }
    } else if (readOnlyMountWorks(repo)) {
      // Root ignores file modes; a read-only bind mount in a private mount namespace does not.
      r = repo.run('unshare', ['-m', 'sh', '-c', 'mount --bind -o ro "$1" "$1" && shift && exec "$@"', 'sh', gitDir, process.execPath, CLI, 'check', '--staged']);
    } else {
      // No mount namespace (an unprivileged container): the cache directory's parent is a file, so
      // every write the check attempts in the git directory fails (ENOTDIR) as on a read-only one.
      writeFileSync(cache, 'not a directory\n');
      r = repo.cli(['check', '--staged']);
      assert.equal(readFileSync(cache, 'utf8'), 'not a directory\n');
    }
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|    at /);
    assert.ok(!existsSync(path.join(cache, 'cache')), 'nothing was written to the git directory');
  });

  it('a hook interrupted with Ctrl-C does not let the commit through', async () => {
    const { repo } = setup();
    repos.push(repo);
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    for (let i = 0; i < 200; i++) repo.write(`m${i}.json`, MARK);
    repo.git('add', '.');
    const head = repo.git('rev-parse', 'HEAD').trim();
    const child = spawn('git', ['commit', '-q', '-m', 'x'], { cwd: repo.dir, env: repo.env, stdio: 'ignore', detached: true });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    // Interrupt while the hook's node process is really running, not at a guessed moment.
    let interrupted = false;
    for (let i = 0; i < 2000 && !interrupted && child.exitCode === null; i++) {
      if (hookRunningIn(repo.dir)) {
        // Ctrl-C reaches the whole foreground process group.
        if (child.pid) process.kill(-child.pid, 'SIGINT');
        interrupted = true;
      } else await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(interrupted, 'the hook was seen running and interrupted');
    const code = await exited;
    assert.notEqual(code, 0);
    assert.equal(repo.git('rev-parse', 'HEAD').trim(), head);
  });
});

describe('e2e hardening: approval attacks', function () {
  this.timeout(120_000);
  const repos: TempRepo[] = [];
  after(() => repos.forEach((r) => r.cleanup()));

  function approved(): { repo: TempRepo; file: string; record: Record<string, unknown> } {
    const { repo, alice } = setup();
    repos.push(repo);
    repo.write('a.json', MARK);
    repo.git('add', '.');
    const ap = repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]);
    assert.equal(ap.code, 0, ap.stderr);
    const [file] = approvalFiles(repo);
    assert.equal(repo.cli(['check', '--staged']).code, 0, 'the genuine approval passes');
    return { repo, file, record: JSON.parse(repo.read(file)) as Record<string, unknown> };
  }

  it('refuses a forged signature (well-formed armour, wrong bytes)', () => {
    const { repo, file, record } = approved();
    const sig = String(record.signature);
    const body = sig.split('\n').slice(1, -1).join('');
    const forged = Buffer.from(body, 'base64');
    for (let i = forged.length - 64; i < forged.length; i++) forged[i] = (i * 31) & 0xff;
    const armoured = `-----BEGIN SSH SIGNATURE-----\n${forged.toString('base64').replace(/.{70}/g, '$&\n')}\n-----END SSH SIGNATURE-----`;
    repo.write(file, JSON.stringify({ ...record, signature: armoured }, null, 2));
    repo.git('add', '.');
    const r = repo.cli(['check', '--staged']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /signature|verify/i);
  });

  it('refuses an expired approval whose expiry date was edited', () => {
    const { repo, file, record } = approved();
    repo.write(file, JSON.stringify({ ...record, expiresAt: '2999-01-01T00:00:00.000Z', createdAt: new Date().toISOString() }, null, 2));
    repo.git('add', '.');
    const r = repo.cli(['check', '--staged']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /signature|does not match|verify/i);
  });

  it('does not write an approval through a symlinked .foureyes/approvals/ that leaves the repository', () => {
    const { repo, alice } = setup();
    repos.push(repo);
    repo.write('a.json', MARK);
    repo.git('add', '.');
    const outside = mkdtempSync(path.join(os.tmpdir(), 'foureyes-outside-'));
    symlinkSync(outside, path.join(repo.dir, '.foureyes/approvals'));
    const r = repo.cli(['approve', '--staged', '--note', 'ok', '--key', alice]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\.foureyes\/approvals is a symbolic link, and approvals are written only inside the repository; nothing was written/);
    assert.deepEqual(readdirSync(outside), []);
    rmSync(outside, { recursive: true, force: true });
  });

  it('does not read a rules file that is a symlink out of the repository', () => {
    const { repo } = setup();
    repos.push(repo);
    const outside = mkdtempSync(path.join(os.tmpdir(), 'foureyes-outside-'));
    writeFileSync(path.join(outside, 'rules.jsonc'), '{ "ignore": ["**"] }\n');
    rmSync(path.join(repo.dir, '.foureyes/rules.jsonc'));
    symlinkSync(path.join(outside, 'rules.jsonc'), path.join(repo.dir, '.foureyes/rules.jsonc'));
    repo.write('a.json', '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}\n');
    const r = repo.cli(['scan', '.']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\.foureyes\/rules\.jsonc resolves to .*, outside the repository; a rules file is read only from inside it/);
    rmSync(outside, { recursive: true, force: true });
  });

  it('does not read an approval through a symlink that leaves .foureyes/approvals/', () => {
    const { repo, file } = approved();
    const outside = mkdtempSync(path.join(os.tmpdir(), 'foureyes-outside-'));
    writeFileSync(path.join(outside, 'evil.json'), repo.read(file));
    repo.git('rm', '-q', '--cached', file);
    repo.run('rm', ['-f', path.join(repo.dir, file)]);
    symlinkSync(path.join(outside, 'evil.json'), path.join(repo.dir, '.foureyes/approvals/evil.json'));
    repo.git('add', '.');
    const r = repo.cli(['check', '--staged']);
    assert.equal(r.code, 1, 'a symlinked approval does not count');
  });
});
