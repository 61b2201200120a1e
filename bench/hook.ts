// Benchmark: `foureyes check --staged` and the installed pre-commit hook on generated repositories
// with 1, 20 and 200 staged files (Terraform, YAML, TypeScript), side by side with the floors
// `node -e 0` and `git diff --cached --name-only`. New content = the hook's analyses emptied first
// (the parse of the unchanged rules file stays, as in a repository the hook ran in before; the
// runtime's V8 code cache, written by `hook install`, stays; one row removes all of it, as after
// node was replaced). Pre-filled = the cache as the VS Code extension leaves it after the files were saved.
// Server warm = the analyses emptied but the repository's warm analysis server running (the usual
// state for a CLI-only user after the first commit); every other row runs with the server off.
// As in a real repository, there is a rules file naming a senior and a base commit, and every
// staged file is a modification, so the hook reads both the before and the after blob.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readServerLock, serverDir, SERVER_SOCKET, startServer, stopServer } from '../src/core/analysis-server-state';
import { prefillAnalysis } from '../src/core/review/prefill';
import { peakRss, sideBySide, summarize, type BenchContext, type BenchRow, type Sample } from './measure';

const SIZES = [1, 20, 200];

// A public key only (its private half was thrown away): the senior the rules file names.
const SENIOR_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID7cNhjoj6uBCOxJJ09M3OdGmH3yVzOk4oKDhROakTCW bench-senior';

function writeFiles(dir: string, files: number, version: number, fileRef = false): void {
  if (fileRef) {
    // One module whose policy lives in a JSON file the .tf reads with file(): the hook reads it too.
    mkdirSync(path.join(dir, 'infra/policy'), { recursive: true });
    writeFileSync(path.join(dir, 'infra/policy/main.tf'), `resource "aws_iam_policy" "p" {\n  name   = "p-v${version}"\n  policy = file("\${path.module}/p.json")\n}\n`);
    writeFileSync(path.join(dir, 'infra/policy/p.json'), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b${version}/*"}]}\n`);
    files -= 2;
  }
  for (let i = 0; i < files; i++) {
    const m = `m${i % 50}`;
    mkdirSync(path.join(dir, 'infra', m), { recursive: true });
    const kind = i % 3;
    if (kind === 0) {
      writeFileSync(path.join(dir, `infra/${m}/main${i}.tf`), `resource "aws_s3_bucket" "b${i}" {\n  bucket = "bucket-${i}-v${version}"\n  tags = { env = "staging" }\n}\n\ndata "aws_iam_policy_document" "d${i}" {\n  statement {\n    actions   = ["s3:GetObject"]\n    resources = ["arn:aws:s3:::bucket-${i}/*"]\n  }\n}\n`);
    } else if (kind === 1) {
      writeFileSync(path.join(dir, `infra/${m}/deploy${i}.yaml`), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${i}\nspec:\n  replicas: ${1 + (i % 4) + version}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/app:${version}.${i}\n`);
    } else {
      writeFileSync(path.join(dir, `infra/${m}/config${i}.ts`), `export const config${i} = { url: "https://api${i}.staging.example.com/v${version}", retries: ${(i % 5) + version} };\n`);
    }
  }
}

function stageRepo(dir: string, files: number, env: NodeJS.ProcessEnv, fileRef = false): void {
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q');
  mkdirSync(path.join(dir, '.foureyes'), { recursive: true });
  writeFileSync(path.join(dir, '.foureyes/rules.jsonc'), JSON.stringify({ seniors: [{ id: 'senior@example.com', publicKey: SENIOR_KEY }] }, null, 2) + '\n');
  writeFiles(dir, files, 1, fileRef);
  git('add', '.');
  git('commit', '-q', '--no-verify', '-m', 'base');
  writeFiles(dir, files, 2, fileRef);
  git('add', '.');
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Before each round: the server files its last answer 100 ms after giving it (200 files take a
 * while longer), and those writes must neither land in a cache the next row just emptied nor
 * compete with the next `node -e 0`.
 */
const afterServerStores = () => void pause(500);

/** `foureyes hook install` in `dir`; returns the installed runner script. */
function installHook(ctx: BenchContext, dir: string, env: NodeJS.ProcessEnv): string {
  const inst = spawnSync(process.execPath, [ctx.cli, 'hook', 'install'], { cwd: dir, env, encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(`hook install: ${inst.stderr}`);
  return path.join(dir, '.git/foureyes/runtime/pre-commit.sh');
}

/** A row maker for one side-by-side group: each command's median and its ratio to `node -e 0` in the same rounds. */
function rowsAgainstNode(m: Map<string, Sample[]>, group: string): (key: string, name: string) => BenchRow {
  const nodeMs = summarize(m.get('node')!.map((s) => s.ms)).median;
  return (key, name) => {
    const value = summarize(m.get(key)!.map((s) => s.ms));
    return { group, name, unit: 'ms', value, ratio: value.median / nodeMs, ratioTo: 'node -e 0', rssMb: peakRss(m.get(key)!) };
  };
}

/**
 * A commit of content never analysed before, in a repository the hook has run in: the analyses go,
 * the parse of the unchanged rules file and the repository's root commits stay cached.
 */
function emptyAnalyses(cache: string): void {
  const analyses = path.join(cache, 'analysis');
  for (const name of existsSync(analyses) ? readdirSync(analyses) : []) {
    if (name !== 'rules') rmSync(path.join(analyses, name), { recursive: true, force: true });
  }
}

/** The analysis cache as the editor leaves it once every staged file has been saved in it. */
async function prefilledCache(dir: string, env: NodeJS.ProcessEnv, stash: string): Promise<void> {
  const cache = path.join(dir, '.git/foureyes/cache');
  rmSync(cache, { recursive: true, force: true });
  const version = readFileSync(path.join(dir, '.git/foureyes/runtime/VERSION'), 'utf8').trim();
  const staged = spawnSync('git', ['diff', '--cached', '--name-only', '-z'], { cwd: dir, env, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  for (const p of staged) {
    const outcome = await prefillAnalysis({ root: dir, commonDir: path.join(dir, '.git'), path: p, version, hasHead: true }, env);
    if (outcome !== 'written' && !p.startsWith('.foureyes/')) throw new Error(`pre-fill of ${p}: ${outcome}`);
  }
  cpSync(cache, stash, { recursive: true });
}

/** Starts the repository's analysis server and waits until it listens (it warms up first). */
async function runningServer(dir: string, env: NodeJS.ProcessEnv): Promise<number> {
  const commonDir = path.join(dir, '.git');
  if (!startServer(commonDir, path.join(commonDir, 'foureyes/runtime'), process.execPath, env)) throw new Error('could not start the analysis server');
  const socket = path.join(serverDir(commonDir), SERVER_SOCKET);
  for (const end = Date.now() + 60_000; !existsSync(socket); ) {
    if (Date.now() > end) throw new Error('the analysis server did not start listening within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return readServerLock(commonDir)!.pid;
}

export async function hookBench(ctx: BenchContext): Promise<BenchRow[]> {
  const env = { ...process.env, FOUREYES_DAEMON: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com', NO_COLOR: '1' };
  const rows: BenchRow[] = [];
  const notFailed = (s: Sample) => s.code === 0 || s.code === 1;
  for (const n of SIZES) {
    const dir = path.join(ctx.scratch, `hook-${n}`);
    stageRepo(dir, n, env);
    const runner = installHook(ctx, dir, env);
    const cache = path.join(dir, '.git/foureyes/cache');
    const codeCache = path.join(dir, '.git/foureyes/runtime/cli.js.v8cache');
    const stash = path.join(ctx.scratch, `hook-${n}-prefilled`);
    await prefilledCache(dir, env, stash);
    const opts = { cwd: dir, env };
    const serverEnv = { ...env, FOUREYES_DAEMON: '1' };
    await runningServer(dir, serverEnv);
    ctx.log(`hook: ${n} staged file(s)`);
    let m: Map<string, Sample[]>;
    try {
      m = sideBySide(ctx.runs, [
        { key: 'node', cmd: process.execPath, args: ['-e', '0'], opts, before: afterServerStores },
        { key: 'git', cmd: 'git', args: ['diff', '--cached', '--name-only'], opts },
        { key: 'check', cmd: process.execPath, args: [ctx.cli, 'check', '--staged'], opts, ok: notFailed, before: () => rmSync(cache, { recursive: true, force: true }) },
        {
          key: 'hookFirst',
          cmd: 'sh',
          args: [runner],
          opts,
          ok: notFailed,
          before: () => [cache, codeCache].forEach((p) => rmSync(p, { recursive: true, force: true })),
        },
        { key: 'hookCold', cmd: 'sh', args: [runner], opts, ok: notFailed, before: () => emptyAnalyses(cache) },
        {
          key: 'hookPrefilled',
          cmd: 'sh',
          args: [runner],
          opts,
          ok: notFailed,
          before: () => {
            rmSync(cache, { recursive: true, force: true });
            cpSync(stash, cache, { recursive: true });
          },
        },
        { key: 'hookWarm', cmd: 'sh', args: [runner], opts, ok: notFailed },
        { key: 'hookServer', cmd: 'sh', args: [runner], opts: { cwd: dir, env: serverEnv }, ok: notFailed, before: () => emptyAnalyses(cache) },
      ]);
    } finally {
      stopServer(path.join(dir, '.git'));
    }
    const row = rowsAgainstNode(m, `hook, ${n} staged file${n === 1 ? '' : 's'}`);
    rows.push(
      row('node', 'node -e 0 (floor)'),
      row('git', 'git diff --cached --name-only (floor)'),
      row('check', 'foureyes check --staged (no cache)'),
      row('hookFirst', 'installed hook, no code cache (node replaced), cache emptied'),
      { ...row('hookCold', 'installed hook, new content, no server'), note: 'target: at most 2x node -e 0' },
      { ...row('hookServer', 'installed hook, new content, server warm'), note: 'target: at most 2x node -e 0' },
      row('hookPrefilled', 'installed hook, warm via editor pre-fill'),
      row('hookWarm', 'installed hook, warm cache (re-run)'),
    );
  }
  rows.push(...(await stagingRows(ctx, env, notFailed)));
  rows.push(...fileRefRows(ctx, env, notFailed));
  return rows;
}


/**
 * 20 files of new content staged with `git add` before each run, the repository's server running
 * (it watches the index): once as a commit typed by hand (the hook runs a second after `git add`),
 * once as a script's `git add && git commit` (the hook runs straight after).
 */
async function stagingRows(ctx: BenchContext, env: NodeJS.ProcessEnv, ok: (s: Sample) => boolean): Promise<BenchRow[]> {
  const dir = path.join(ctx.scratch, 'hook-20-staging');
  stageRepo(dir, 20, env);
  const runner = installHook(ctx, dir, env);
  const serverEnv = { ...env, FOUREYES_DAEMON: '1' };
  const opts = { cwd: dir, env: serverEnv };
  let version = 10;
  const stageNew = () => {
    writeFiles(dir, 20, ++version);
    const r = spawnSync('git', ['add', '-A'], { cwd: dir, env });
    if (r.status !== 0) throw new Error(`git add: ${String(r.stderr)}`);
  };
  await runningServer(dir, serverEnv);
  ctx.log('hook: 20 files staged with git add, server watching the index');
  let m: Map<string, Sample[]>;
  try {
    m = sideBySide(ctx.runs, [
      { key: 'node', cmd: process.execPath, args: ['-e', '0'], opts, before: afterServerStores },
      {
        key: 'byHand',
        cmd: 'sh',
        args: [runner],
        opts,
        ok,
        before: () => {
          stageNew();
          pause(1_000);
        },
      },
      { key: 'scripted', cmd: 'sh', args: [runner], opts, ok, before: stageNew },
    ]);
  } finally {
    stopServer(path.join(dir, '.git'));
  }
  const row = rowsAgainstNode(m, 'hook, 20 files of new content staged with git add, server warm');
  return [
    row('node', 'node -e 0 (floor)'),
    { ...row('byHand', 'installed hook, 1 s after git add (a commit typed by hand)'), note: 'target: at most 2x node -e 0' },
    { ...row('scripted', 'installed hook, straight after git add (git add && git commit)'), note: 'target: at most 2x node -e 0' },
  ];
}

/**
 * 20 staged files, one of them a .tf that reads its policy with file(): such a file is analysed
 * with the files it reads on every run (never cached), so the warm hook loads the analyser for it.
 */
function fileRefRows(ctx: BenchContext, env: NodeJS.ProcessEnv, ok: (s: Sample) => boolean): BenchRow[] {
  const dir = path.join(ctx.scratch, 'hook-20-file-ref');
  stageRepo(dir, 20, env, true);
  const runner = installHook(ctx, dir, env);
  const cache = path.join(dir, '.git/foureyes/cache');
  const opts = { cwd: dir, env };
  ctx.log('hook: 20 staged files, one reading a policy with file()');
  const m = sideBySide(ctx.runs, [
    { key: 'node', cmd: process.execPath, args: ['-e', '0'], opts },
    { key: 'hookCold', cmd: 'sh', args: [runner], opts, ok, before: () => rmSync(cache, { recursive: true, force: true }) },
    { key: 'hookWarm', cmd: 'sh', args: [runner], opts, ok },
  ]);
  const row = rowsAgainstNode(m, 'hook, 20 staged files, one .tf reads its policy with file()');
  return [row('node', 'node -e 0 (floor)'), row('hookCold', 'installed hook, cache emptied'), { ...row('hookWarm', 'installed hook, warm cache (re-run)'), note: 'the .tf and what it reads are analysed every run' }];
}
