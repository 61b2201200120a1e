// The warm analysis server with real git, real processes and temporary repositories: its answers
// equal the in-process analysis, the hook's verdict is the same with or without it, every way it
// can fail falls back to analysing in process, and its lifecycle (one per repository, idle exit,
// uninstall, reinstall, off switches) leaves nothing running.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readServerLock, runtimeIdentity, serverDir, SERVER_SOCKET, startServer } from '../../src/core/analysis-server-state';
import { FULL_TOOLS } from '../../src/cli/review-run';
import { newId, ServerSession, serverReviewTools } from '../../src/cli/server-client';
import { checkResponse } from '../../src/cli/server-protocol';
import { runReview } from '../../src/core/review/engine';
import { stagedInput } from '../../src/core/review/inputs';
import { REPO_ROOT } from '../unit/helpers';
import { TempRepo, type Run } from './repo';

const PKG_VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const VERSION = `${PKG_VERSION}+test-detector`;

const NARROW = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]\n  })\n}\n';
const WIDE = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]\n  })\n}\n';

/** Every analysis server process (any repository) whose command line names `commonDir`. */
function serverPids(commonDir?: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (args.includes('--serve') && (!commonDir ? args.some((a) => a.includes('foureyes-e2e-')) : args.includes(commonDir))) pids.push(Number(name));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

async function waitFor(what: string, pred: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

class ServerRepo extends TempRepo {
  readonly commonDir: string;
  readonly runtimeDir: string;
  /** The environment with the server allowed; fast checks and warm-up for tests. */
  readonly on: NodeJS.ProcessEnv;

  constructor() {
    super();
    this.commonDir = path.join(this.dir, '.git');
    this.runtimeDir = path.join(this.commonDir, 'foureyes', 'runtime');
    this.on = { FOUREYES_DAEMON: '1', FOUREYES_SERVER_CHECK_MS: '200', FOUREYES_SERVER_WARM_ROUNDS: '1' };
    this.write('.foureyes/rules.jsonc', this.rules([{ id: 'senior@example.com', key: this.key('senior') }]));
    this.write('a.tf', NARROW);
    this.write('deploy.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  url: "https://api.staging.example.com"\n');
    this.git('add', '.');
    this.git('commit', '-q', '--no-verify', '-m', 'base');
    const inst = this.cli(['hook', 'install']);
    assert.equal(inst.code, 0, inst.stderr);
    assert.deepEqual(serverPids(this.commonDir), [], 'FOUREYES_DAEMON=0 (the harness default) starts no server');
  }

  /** Stages a mixed change: a widened IAM grant, a production endpoint, TypeScript, a test marker and a broken file. */
  stageMixed(): void {
    this.write('a.tf', WIDE);
    this.write('deploy.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  url: "https://api.example.com"\n  marker: FOUREYES-TEST-high\n');
    this.write('src/app.ts', 'export const api = "https://api.example.com/v1";\nexport const m = "FOUREYES-TEST-medium";\n');
    this.write('broken.json', '{ "Statement": [ { "Action": "s3:*", \n');
    this.git('add', '.');
  }

  with(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...this.on, ...extra };
  }

  async startServer(extra: NodeJS.ProcessEnv = {}): Promise<number> {
    assert.ok(startServer(this.commonDir, this.runtimeDir, process.execPath, { ...this.env, ...this.with(extra) }));
    await waitFor('the server socket', () => existsSync(path.join(serverDir(this.commonDir), SERVER_SOCKET)));
    const lock = readServerLock(this.commonDir);
    assert.ok(lock);
    return lock.pid;
  }

  hook(extra: NodeJS.ProcessEnv = {}): Run {
    rmSync(path.join(this.commonDir, 'foureyes', 'cache'), { recursive: true, force: true });
    return this.run('sh', [path.join(this.runtimeDir, 'pre-commit.sh')], { env: this.with({ FOUREYES_TRACE: '1', ...extra }) });
  }

  async stopAll(): Promise<void> {
    for (const pid of serverPids(this.commonDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
    await waitFor('servers to exit', () => serverPids(this.commonDir).length === 0, 10_000);
  }
}

/** Analysis entries in the repository's cache (the rules parses under `rules/` not counted). */
function analysisEntries(commonDir: string): number {
  const analyses = path.join(commonDir, 'foureyes', 'cache', 'analysis');
  if (!existsSync(analyses)) return 0;
  return readdirSync(analyses)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(path.join(analyses, d)))
    .filter((f) => f.endsWith('.json')).length;
}

const withoutTrace = (text: string) => text.split('\n').filter((l) => !l.startsWith('foureyes-trace')).join('\n');

describe('warm analysis server', function () {
  this.timeout(120_000);
  let repo: ServerRepo;
  beforeEach(() => {
    repo = new ServerRepo();
  });
  afterEach(async () => {
    await repo.stopAll();
    repo.cleanup();
  });
  after(() => {
    assert.deepEqual(serverPids(), [], 'no analysis server of a test repository is left running');
  });

  it('answers exactly what the in-process analyser returns for a mixed change (findings, notes, order)', async () => {
    repo.stageMixed();
    await repo.startServer();
    const input = await stagedInput(repo.dir, repo.env);
    const saved = process.env.FOUREYES_TEST_DETECTOR;
    process.env.FOUREYES_TEST_DETECTOR = '1';
    try {
      const local = await runReview(input, FULL_TOOLS, { version: VERSION, cacheDir: undefined, now: new Date('2026-01-01') });
      const tools = serverReviewTools(() => ServerSession.open(repo.commonDir, repo.dir), { version: VERSION, runtime: runtimeIdentity(repo.runtimeDir)!, env: {} });
      const remote = await runReview(input, tools, { version: VERSION, cacheDir: undefined, now: new Date('2026-01-01') });
      assert.ok(local.findings.length >= 3, `a mixed change with findings: ${local.findings.map((f) => f.finding.ruleId).join(', ')}`);
      assert.ok(local.notes.length >= 1, 'and notes');
      assert.deepEqual(remote.findings, local.findings);
      assert.deepEqual(remote.notes, local.notes);
      assert.deepEqual(remote.errors, local.errors);
      assert.equal(remote.analysedFiles, local.analysedFiles);
    } finally {
      process.env.FOUREYES_TEST_DETECTOR = saved;
    }
  });

  it('a head start is used only for exactly the bytes and rules asked about', async () => {
    repo.stageMixed();
    await repo.startServer();
    const runtime = runtimeIdentity(repo.runtimeDir)!;
    const blob = (rev: string) => repo.git('rev-parse', rev).trim();
    const before = blob('HEAD:a.tf');
    // The server analyses the staged a.tf (wide grant) from git; the hook then asks about other bytes.
    ServerSession.open(repo.commonDir, repo.dir)!.post({
      type: 'prepare', id: newId(), version: VERSION, runtime, root: repo.dir, rulesBlob: blob(':.foureyes/rules.jsonc'), rulesLabel: '.foureyes/rules.jsonc (staged)',
      changes: [{ path: 'a.tf', before, after: blob(':a.tf') }],
    });
    const config = JSON.parse(repo.read('.foureyes/rules.jsonc')) as Record<string, unknown>;
    const ask = async (after: string) => {
      const request = { type: 'analyze' as const, id: newId(), version: VERSION, runtime, rules: { config, source: path.join(repo.dir, '.foureyes/rules.jsonc') }, changes: [{ path: 'a.tf', before: Buffer.from(NARROW).toString('base64'), after: Buffer.from(after).toString('base64') }] };
      return ServerSession.open(repo.commonDir, repo.dir)!.request(request, 30_000, (r) => checkResponse(r, request));
    };
    const other = await ask(NARROW.replace('s3:GetObject', 's3:PutObject'));
    assert.equal(other.results[0].findings.some((f) => f.ruleId === 'iam/aws-admin-access'), false, 'not the kept result for the staged bytes');
    const same = await ask(WIDE);
    assert.equal(same.results[0].findings.some((f) => f.ruleId === 'iam/aws-admin-access'), true);
  });

  it('the hook gives the same verdict and message with a running server as without, and files its results in the cache', async () => {
    repo.stageMixed();
    const alone = repo.hook({ FOUREYES_DAEMON: '0' });
    assert.equal(alone.code, 1, alone.stderr);
    assert.doesNotMatch(alone.stderr, /review \(server\)/);
    await repo.startServer();
    const served = repo.hook();
    assert.equal(served.code, 1, served.stderr);
    assert.match(served.stderr, /review \(server\)/, 'the server answered');
    assert.doesNotMatch(served.stderr, /load cli\.js/, 'without loading the analyser in the hook');
    assert.equal(withoutTrace(served.stderr), withoutTrace(alone.stderr));
    assert.equal(served.stdout, alone.stdout);
    // The server files the results after answering, off the commit's path: wait for its writes.
    const entries = () => analysisEntries(repo.commonDir);
    for (const end = Date.now() + 10_000; entries() < 4 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    assert.equal(entries(), 4, 'one cache entry per staged file, written by the server');
    const again = repo.run('sh', [path.join(repo.runtimeDir, 'pre-commit.sh')], { env: repo.with({ FOUREYES_TRACE: '1' }) });
    assert.equal(withoutTrace(again.stderr), withoutTrace(alone.stderr));
    assert.doesNotMatch(again.stderr, /review \(server\)|review \(analysis\)/, 'the re-run answers from the cache the server run filled');
  });

  it('staging with git add has the server file the analyses before the commit: the hook answers from the cache, same verdict', async () => {
    repo.write('old.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  url: "https://api.staging.example.com"\n  retries: "3"\n');
    repo.git('add', '.');
    repo.git('commit', '-q', '--no-verify', '-m', 'old');
    await repo.startServer({ FOUREYES_SERVER_SETTLE_MS: '50' });
    assert.equal(analysisEntries(repo.commonDir), 0);
    repo.stageMixed();
    // A rename with an edit: the watcher must list it as the hook does (path and blob pair).
    repo.git('mv', 'old.yaml', 'new.yaml');
    repo.write('new.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  url: "https://api.staging.example.com"\n  retries: "3"\n  marker: FOUREYES-TEST-high\n');
    repo.git('add', 'new.yaml');
    await waitFor('the server to file the staged analyses', () => analysisEntries(repo.commonDir) === 5, 20_000);
    const hook = repo.run('sh', [path.join(repo.runtimeDir, 'pre-commit.sh')], { env: repo.with({ FOUREYES_TRACE: '1' }) });
    assert.match(hook.stderr, /review \(cache\)/);
    assert.doesNotMatch(hook.stderr, /review \(server\)|review \(analysis\)|load cli\.js/, `nothing left to analyse at commit time: ${hook.stderr}`);
    const alone = repo.hook({ FOUREYES_DAEMON: '0' });
    assert.match(alone.stderr, /new\.yaml:\d+/, 'the renamed file has a finding');
    assert.equal(hook.code, alone.code);
    assert.equal(withoutTrace(hook.stderr), withoutTrace(alone.stderr));
    assert.equal(hook.stdout, alone.stdout);
  });

  it('files nothing for a staged rules file that does not parse (the hook blocks on it)', async () => {
    await repo.startServer({ FOUREYES_SERVER_SETTLE_MS: '50' });
    repo.write('.foureyes/rules.jsonc', '{ "seniors": [ { "id": 42 } ] ');
    repo.write('a.tf', WIDE);
    repo.git('add', '.');
    // The watcher did run: it filed the rules file's parse (an error), but no analysis under it.
    const rulesParses = path.join(repo.commonDir, 'foureyes', 'cache', 'analysis', 'rules');
    const errorParsed = () => {
      try {
        return readdirSync(rulesParses).some((f) => f.endsWith('.json') && 'error' in (JSON.parse(readFileSync(path.join(rulesParses, f), 'utf8')) as object));
      } catch {
        // Not there yet.
        return false;
      }
    };
    await waitFor('the broken rules file parsed (as an error) by the watcher', errorParsed, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(analysisEntries(repo.commonDir), 0);
    const r = repo.run('sh', [path.join(repo.runtimeDir, 'pre-commit.sh')], { env: repo.with() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rules file .* cannot be read/);
  });

  it('watches a linked worktree only once a hook there asked', async () => {
    await repo.startServer({ FOUREYES_SERVER_SETTLE_MS: '50' });
    const wt = path.join(repo.dir, '..', `${path.basename(repo.dir)}-wt`);
    repo.git('worktree', 'add', '-q', wt);
    try {
      const inWt = (...args: string[]) => {
        const r = repo.run('git', args, { cwd: wt });
        assert.equal(r.code, 0, r.stderr);
      };
      writeFileSync(path.join(wt, 'a.tf'), WIDE);
      inWt('add', 'a.tf');
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(analysisEntries(repo.commonDir), 0, 'an unknown worktree is not watched');
      const first = repo.run('sh', [path.join(repo.runtimeDir, 'pre-commit.sh')], { cwd: wt, env: repo.with({ FOUREYES_TRACE: '1' }) });
      assert.equal(first.code, 1, first.stderr);
      assert.match(first.stderr, /review \(server\)/);
      await waitFor('the answer filed', () => analysisEntries(repo.commonDir) === 1);
      writeFileSync(path.join(wt, 'deploy.yaml'), 'apiVersion: v1\nkind: ConfigMap\ndata:\n  url: "https://api.example.com"\n');
      inWt('add', 'deploy.yaml');
      await waitFor('the worktree staging filed', () => analysisEntries(repo.commonDir) === 2, 20_000);
      const again = repo.run('sh', [path.join(repo.runtimeDir, 'pre-commit.sh')], { cwd: wt, env: repo.with({ FOUREYES_TRACE: '1' }) });
      assert.equal(again.code, 1);
      assert.doesNotMatch(again.stderr, /review \(server\)|review \(analysis\)/);
    } finally {
      rmSync(wt, { recursive: true, force: true });
    }
  });

  it('a change that reads other files (Terraform file()) is analysed in the hook, with them', async () => {
    const policyTf = (file: string) => `resource "aws_iam_policy" "deploy" {\n  name   = "deploy"\n  policy = file("\${path.module}/${file}")\n}\n`;
    repo.write('infra/narrow.json', '{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }] }\n');
    repo.write('infra/admin.json', '{ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" }] }\n');
    repo.write('infra/main.tf', policyTf('narrow.json'));
    repo.git('add', '.');
    repo.git('commit', '-q', '--no-verify', '-m', 'policy');
    repo.write('infra/main.tf', policyTf('admin.json'));
    repo.git('add', '.');
    const alone = repo.hook({ FOUREYES_DAEMON: '0' });
    assert.match(alone.stderr, /infra\/main\.tf:\d+\s+iam\/aws-admin-access/);
    await repo.startServer();
    const r = repo.hook();
    assert.match(r.stderr, /not for the server: infra\/main\.tf reads other files/);
    assert.equal(withoutTrace(r.stderr), withoutTrace(alone.stderr));
    assert.equal(r.code, alone.code);
  });

  it('falls back when the server was killed (stale socket and lock), and starts a new one', async () => {
    repo.stageMixed();
    const pid = await repo.startServer();
    process.kill(pid, 'SIGKILL');
    await waitFor('the kill', () => !serverPids(repo.commonDir).includes(pid));
    assert.ok(existsSync(path.join(serverDir(repo.commonDir), SERVER_SOCKET)), 'the socket file is left behind');
    const r = repo.hook();
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /iam\/aws-admin-access/);
    assert.match(r.stderr, /review \(analysis\)/);
    await waitFor('a new server', () => !!readServerLock(repo.commonDir) && readServerLock(repo.commonDir)!.pid !== pid && existsSync(path.join(serverDir(repo.commonDir), SERVER_SOCKET)));
    assert.equal(serverPids(repo.commonDir).length, 1);
    assert.match(repo.hook().stderr, /review \(server\)/, 'the next commit uses it');
  });

  it('falls back when the socket path is not a socket', () => {
    repo.stageMixed();
    mkdirSync(serverDir(repo.commonDir), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(serverDir(repo.commonDir), SERVER_SOCKET), 'not a socket');
    const r = repo.hook({ FOUREYES_DAEMON: '1' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /iam\/aws-admin-access/);
  });

  it('a server of another version answers "mismatch" and exits; the hook analyses and starts the right one', async () => {
    repo.stageMixed();
    const old = await repo.startServer({ FOUREYES_SERVER_TEST_VERSION: '0.0.1-old' });
    const r = repo.hook();
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /server not used: .*version 0\.0\.1-old/);
    assert.match(r.stderr, /iam\/aws-admin-access/);
    await waitFor('the old server to exit', () => !serverPids(repo.commonDir).includes(old));
    await waitFor('the right server', () => readServerLock(repo.commonDir)?.version === VERSION && existsSync(path.join(serverDir(repo.commonDir), SERVER_SOCKET)));
    assert.match(repo.hook().stderr, /review \(server\)/);
  });

  it('a server that does not answer in time is killed and the hook analyses itself', async () => {
    repo.stageMixed();
    const pid = await repo.startServer({ FOUREYES_SERVER_TEST_SLEEP_MS: '60000' });
    const r = repo.hook({ FOUREYES_SERVER_TIMEOUT_MS: '300' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /did not answer within 300 ms/);
    assert.match(r.stderr, /iam\/aws-admin-access/);
    await waitFor('the hung server to be killed', () => !serverPids(repo.commonDir).includes(pid));
  });

  for (const reply of ['garbage', 'short', 'other-id', 'fewer']) {
    it(`a ${reply} answer is not used: the hook analyses itself and still blocks`, async () => {
      repo.stageMixed();
      await repo.startServer({ FOUREYES_SERVER_TEST_REPLY: reply });
      const r = repo.hook();
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /server not used: the analysis server's answer is unusable/);
      assert.match(r.stderr, /review \(analysis\)/);
      assert.match(r.stderr, /iam\/aws-admin-access/);
    });
  }

  it('two hooks at once start one server', async () => {
    repo.stageMixed();
    const runner = path.join(repo.runtimeDir, 'pre-commit.sh');
    const once = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn('sh', [runner], { cwd: repo.dir, env: { ...repo.env, ...repo.with() }, stdio: 'ignore' });
        child.on('exit', (code) => resolve(code));
      });
    assert.deepEqual(await Promise.all([once(), once()]), [1, 1]);
    await waitFor('a server', () => existsSync(path.join(serverDir(repo.commonDir), SERVER_SOCKET)));
    // The second one, if started, gives up on the lock at once.
    await waitFor('exactly one server', () => serverPids(repo.commonDir).length === 1);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(serverPids(repo.commonDir).length, 1);
  });

  it('exits after the idle timeout and removes its socket and lock', async () => {
    const pid = await repo.startServer({ FOUREYES_SERVER_IDLE_MS: '1000' });
    await waitFor('the idle exit', () => !serverPids(repo.commonDir).includes(pid));
    assert.ok(!existsSync(path.join(serverDir(repo.commonDir), SERVER_SOCKET)));
    assert.equal(readServerLock(repo.commonDir), undefined);
  });

  it('hook status shows it; hook uninstall stops it', async () => {
    const pid = await repo.startServer();
    const st = repo.cli(['hook', 'status']);
    assert.match(st.stdout, new RegExp(`analysis server: running, pid ${pid}, version ${VERSION.replace(/\+/g, '\\+')}, idle \\d+ s`));
    const json = JSON.parse(repo.cli(['hook', 'status', '--format', 'json']).stdout) as { server?: { pid: number } };
    assert.equal(json.server?.pid, pid);
    const un = repo.cli(['hook', 'uninstall']);
    assert.match(un.stdout, new RegExp(`stopped the analysis server \\(pid ${pid}\\)`));
    await waitFor('the server to exit', () => !serverPids(repo.commonDir).includes(pid));
    assert.match(repo.cli(['hook', 'status']).stdout, /analysis server: not running \(turned off by FOUREYES_DAEMON=0\)/);
  });

  it('exits when the runtime is reinstalled or removed', async () => {
    const pid = await repo.startServer();
    assert.equal(repo.cli(['hook', 'install']).code, 0);
    await waitFor('the server of the old runtime to exit', () => !serverPids(repo.commonDir).includes(pid));
    const next = await repo.startServer();
    rmSync(repo.runtimeDir, { recursive: true, force: true });
    await waitFor('the server of the removed runtime to exit', () => !serverPids(repo.commonDir).includes(next));
  });

  it('hook install starts one when allowed', async () => {
    assert.equal(repo.cli(['hook', 'install'], { env: repo.with() }).code, 0);
    await waitFor('the server', () => existsSync(path.join(serverDir(repo.commonDir), SERVER_SOCKET)));
    await waitFor('exactly one server', () => serverPids(repo.commonDir).length === 1);
    assert.equal(readServerLock(repo.commonDir)?.pid, serverPids(repo.commonDir)[0]);
  });

  it('off switches: FOUREYES_DAEMON=0, CI, and git config foureyes.server false (also stops a running one)', async () => {
    repo.stageMixed();
    for (const env of [{ FOUREYES_DAEMON: '0' }, { CI: 'true' }]) {
      const r = repo.hook(env);
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /start server/);
    }
    const pid = await repo.startServer();
    const ci = repo.hook({ CI: '1' });
    assert.doesNotMatch(ci.stderr, /review \(server\)/, 'a running server is not used under CI');
    repo.git('config', 'foureyes.server', 'false');
    await waitFor('the running server to notice the setting', () => !serverPids(repo.commonDir).includes(pid));
    const r = repo.hook();
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /start server/, 'the hook tries');
    await new Promise((res) => setTimeout(res, 1_500));
    assert.deepEqual(serverPids(repo.commonDir), [], 'but the server declines to run');
  });
});
