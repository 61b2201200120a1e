// All git access: spawned with argument arrays (never a shell), machine-readable output with -z.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { span, spanAsync } from './trace';

/** The id of git's empty tree: the "before" of an initial commit. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stderrText: string,
  ) {
    super(`git ${args.join(' ')} failed${code === null ? '' : ` (exit ${code})`}: ${stderrText.trim().split('\n')[0] || 'no output'}`);
    this.name = 'GitError';
  }
}

export interface GitRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export interface GitOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
}

export function gitRaw(args: string[], opts: GitOptions): GitRun {
  const r = span(`git ${args.slice(0, 2).join(' ')}`, () =>
    spawnSync('git', args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      input: opts.input,
      maxBuffer: 512 * 1024 * 1024,
      windowsHide: true,
    }),
  );
  if (r.error) throw new GitError(args, null, `${(r.error as NodeJS.ErrnoException).code ?? r.error.message}: is git installed and on PATH?`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

interface Started {
  write(text: string): void;
  /** Closes git's stdin and waits for it to exit. */
  finish(): Promise<GitRun>;
}

function startGit(args: string[], opts: GitOptions): Started {
  const child = spawn('git', args, { cwd: opts.cwd, env: opts.env ?? process.env, windowsHide: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  // A git that exits early closes its stdin; the exit code says what went wrong.
  child.stdin.on('error', () => undefined);
  const done = new Promise<GitRun>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => reject(new GitError(args, null, `${e.code ?? e.message}: is git installed and on PATH?`)));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
  });
  // Keeps an early spawn failure from surfacing as an unhandled rejection before finish() is awaited.
  done.catch(() => undefined);
  return {
    write: (text) => {
      child.stdin.write(text);
    },
    finish: () => {
      child.stdin.end();
      return done;
    },
  };
}

/**
 * `gitRaw` without blocking: lets the hook run its few independent git calls side by side, so
 * their process start-ups overlap instead of adding up.
 */
export function gitRawAsync(args: string[], opts: GitOptions): Promise<GitRun> {
  return spanAsync(`git ${args.slice(0, 2).join(' ')}`, () => {
    const g = startGit(args, opts);
    if (opts.input !== undefined) g.write(opts.input.toString());
    return g.finish();
  });
}

export async function gitAsync(args: string[], opts: GitOptions): Promise<Buffer> {
  const r = await gitRawAsync(args, opts);
  if (r.code !== 0) throw new GitError(args, r.code, r.stderr);
  return r.stdout;
}

/** Runs git and returns stdout; throws GitError on a non-zero exit. */
export function git(args: string[], opts: GitOptions): Buffer {
  const r = gitRaw(args, opts);
  if (r.code !== 0) throw new GitError(args, r.code, r.stderr);
  return r.stdout;
}

export function gitText(args: string[], opts: GitOptions): string {
  return git(args, opts).toString('utf8');
}

export interface RepoInfo {
  /** Working tree root (absolute); undefined in a bare repository. */
  root: string;
  /** The git directory of this worktree (absolute). */
  gitDir: string;
  /** The directory hooks run from: honours core.hooksPath, worktrees and submodules (absolute). */
  hooksDir: string;
  /** Where Four Eyes keeps per-repository state (cache, tool copy): `<git-path foureyes>`. */
  stateDir: string;
  /** The directory shared by all worktrees (absolute): the hook's analysis cache lives under it. */
  commonDir: string;
  /** HEAD's commit id, or undefined before the first commit. */
  head?: string;
}

/** One `git rev-parse` for everything the hook needs to know about where it runs. */
export function repoInfo(cwd: string, env?: NodeJS.ProcessEnv): RepoInfo {
  const r = gitRaw(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-path', 'hooks', '--git-path', 'foureyes', '--git-common-dir'], { cwd, env });
  if (r.code !== 0) throw new GitError(['rev-parse'], r.code, r.stderr || 'not a git repository');
  const [root, gitDir, hooks, state, common] = r.stdout.toString('utf8').split('\n');
  // --git-path answers relative to the cwd.
  const head = gitRaw(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd, env });
  return {
    root,
    gitDir,
    hooksDir: path.resolve(cwd, hooks),
    stateDir: path.resolve(cwd, state),
    commonDir: path.resolve(cwd, common),
    head: head.code === 0 ? head.stdout.toString('utf8').trim() : undefined,
  };
}

export interface RepoPaths {
  /** Working tree root (absolute). */
  root: string;
  /** The git directory of this worktree (absolute). */
  gitDir: string;
  /** The directory shared by all worktrees (absolute). */
  commonDir: string;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

// Config that moves the working tree or pulls in other files: then only git can say where things are.
const RELOCATING_CONFIG = /^\s*worktree\s*=|^\s*bare[ \t]*(=[ \t]*(?![ \t]|(false|no|off|0)[ \t]*\r?$)|\r?$)|^\s*\[\s*include/im;

/**
 * Where the repository is, read from `<cwd>/.git` without running git, in the one layout where
 * that is certain: `cwd` is a working-tree root (where git runs hooks) holding a `.git` directory
 * or `gitdir:` file, no GIT_DIR/GIT_WORK_TREE/GIT_COMMON_DIR or `-c` config redirects git, and
 * the repository config neither sets core.worktree/core.bare nor includes other files (so
 * submodules, which set core.worktree, are left to git). Anything else returns undefined: ask
 * `git rev-parse`.
 */
export function repoPathsFromDotGit(cwd: string, env: NodeJS.ProcessEnv): RepoPaths | undefined {
  if (env.GIT_DIR || env.GIT_WORK_TREE || env.GIT_COMMON_DIR) return undefined;
  if (/worktree|bare|include/i.test(`${env.GIT_CONFIG_PARAMETERS ?? ''}${env.GIT_CONFIG_COUNT ?? ''}`)) return undefined;
  const dotGit = path.join(cwd, '.git');
  let gitDir: string;
  try {
    if (statSync(dotGit).isDirectory()) gitDir = dotGit;
    else {
      const m = /^gitdir: (.+?)\r?\n?$/.exec(readFileSync(dotGit, 'utf8'));
      if (!m) return undefined;
      gitDir = path.resolve(cwd, m[1]);
    }
  } catch {
    return undefined;
  }
  if (!readText(path.join(gitDir, 'HEAD'))) return undefined;
  const common = readText(path.join(gitDir, 'commondir'));
  const commonDir = common === undefined ? gitDir : path.resolve(gitDir, common.trim());
  const config = readText(path.join(commonDir, 'config'));
  if (config === undefined || RELOCATING_CONFIG.test(config)) return undefined;
  const worktreeConfig = readText(path.join(gitDir, 'config.worktree'));
  if (worktreeConfig !== undefined && RELOCATING_CONFIG.test(worktreeConfig)) return undefined;
  return { root: cwd, gitDir, commonDir };
}

export type ChangeStatus = 'A' | 'M' | 'D' | 'R' | 'C' | 'T' | 'U' | 'X';

export interface RawChange {
  status: ChangeStatus;
  /** Rename/copy similarity, when given. */
  score?: number;
  oldMode: string;
  newMode: string;
  oldBlob: string;
  newBlob: string;
  /** Path before (renames/copies), else the same as path. */
  oldPath: string;
  path: string;
}

const ZERO = /^0+$/;

/** Parses `git diff --raw -z` output (with --no-abbrev). */
export function parseRawDiff(out: Buffer | string): RawChange[] {
  const parts = (typeof out === 'string' ? out : out.toString('utf8')).split('\0');
  const changes: RawChange[] = [];
  let i = 0;
  while (i < parts.length) {
    const head = parts[i++];
    if (!head) continue;
    const m = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/.exec(head);
    if (!m) throw new Error(`unexpected git diff --raw line: ${JSON.stringify(head.slice(0, 80))}`);
    const status = m[5] as ChangeStatus;
    const first = parts[i++];
    const second = status === 'R' || status === 'C' ? parts[i++] : undefined;
    changes.push({
      status,
      score: m[6] ? Number(m[6]) : undefined,
      oldMode: m[1],
      newMode: m[2],
      oldBlob: ZERO.test(m[3]) ? '' : m[3],
      newBlob: ZERO.test(m[4]) ? '' : m[4],
      oldPath: first,
      path: second ?? first,
    });
  }
  return changes;
}

/** Changes in the index relative to `base` (a commit, or EMPTY_TREE), renames detected. */
export function stagedChanges(cwd: string, base: string, env?: NodeJS.ProcessEnv): RawChange[] {
  return parseRawDiff(git(['diff', '--cached', '--raw', '-z', '--no-abbrev', '-M', '--no-ext-diff', '--no-textconv', base, '--'], { cwd, env }));
}

/** Changes between two tree-ish revisions, renames detected. */
export function treeChanges(cwd: string, from: string, to: string, env?: NodeJS.ProcessEnv): RawChange[] {
  return parseRawDiff(git(['diff-tree', '-r', '-z', '--no-abbrev', '-M', '--no-ext-diff', '--no-textconv', from, to, '--'], { cwd, env }));
}

export interface GitObject {
  id: string;
  type: string;
  /** The content; only kept for blobs. */
  data?: Buffer;
}

function batchInput(names: string[]): string {
  for (const n of names) {
    if (/[\n\r]/.test(n)) throw new Error(`object name with a line break cannot be read: ${JSON.stringify(n)}`);
  }
  return names.join('\n') + '\n';
}

/** Parses `git cat-file --batch` output for `names` (in order). Missing objects map to undefined. */
/**
 * One `git cat-file --batch` header line: the object's id, type and size, or undefined when git
 * has no such object ("<name> missing", "<name> ambiguous"). Anything else throws.
 */
export function parseBatchHeader(header: string): { id: string; type: string; size: number } | undefined {
  if (header.endsWith(' missing') || header.endsWith(' ambiguous')) return undefined;
  const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
  if (!m) throw new Error(`git cat-file --batch: unexpected header ${JSON.stringify(header)}`);
  return { id: m[1], type: m[2], size: Number(m[3]) };
}

export function parseBatch(out: Buffer, names: string[]): Map<string, GitObject | undefined> {
  const result = new Map<string, GitObject | undefined>();
  let pos = 0;
  for (const name of names) {
    const nl = out.indexOf(0x0a, pos);
    if (nl < 0) throw new Error(`git cat-file --batch: truncated output reading ${name}`);
    const header = parseBatchHeader(out.subarray(pos, nl).toString('utf8'));
    pos = nl + 1;
    if (!header) {
      result.set(name, undefined);
      continue;
    }
    result.set(name, { id: header.id, type: header.type, data: header.type === 'blob' ? Buffer.from(out.subarray(pos, pos + header.size)) : undefined });
    pos += header.size + 1;
  }
  return result;
}

function blobsOnly(objects: Map<string, GitObject | undefined>): Map<string, Buffer | undefined> {
  return new Map([...objects].map(([k, v]) => [k, v?.data]));
}

/**
 * Reads many objects in one process (`git cat-file --batch`). Missing objects map to undefined.
 * Names may be blob ids or `rev:path` expressions.
 */
export function readObjects(cwd: string, names: string[], env?: NodeJS.ProcessEnv): Map<string, Buffer | undefined> {
  const unique = [...new Set(names)];
  if (!unique.length) return new Map();
  return blobsOnly(parseBatch(git(['cat-file', '--batch'], { cwd, env, input: batchInput(unique) }), unique));
}

/**
 * A `git cat-file --batch` started at once and fed names as they become known, so its start-up
 * overlaps other work; `read()` closes it and returns every object asked for (with its id, which
 * `rev:path` names need).
 */
export class ObjectReader {
  private readonly names: string[] = [];
  private git: Started | undefined;
  private queued = '';

  /** `deferred`: git is started by `start()` (or the first `read()`); names asked before are kept for it. */
  constructor(
    private readonly cwd: string,
    private readonly env?: NodeJS.ProcessEnv,
    opts: { deferred?: boolean } = {},
  ) {
    if (!opts.deferred) this.start();
  }

  /** Starts git (a synchronous process spawn: tens of ms from a large process) if it has not started. */
  start(): void {
    if (this.git) return;
    this.git = startGit(['cat-file', '--batch'], { cwd: this.cwd, env: this.env });
    if (this.queued) this.git.write(this.queued);
    this.queued = '';
  }

  ask(names: string[]): void {
    if (!names.length) return;
    const text = batchInput(names);
    this.names.push(...names);
    if (this.git) this.git.write(text);
    else this.queued += text;
  }

  /** Whether anything was asked for (a reader with nothing to read need never start git). */
  asked(): boolean {
    return this.names.length > 0;
  }

  /** Lets git exit without reading anything (on an error path): an open stdin would keep node alive. */
  close(): void {
    if (this.git) void this.git.finish();
  }

  async read(): Promise<Map<string, GitObject | undefined>> {
    this.start();
    const git = this.git!;
    const r = await spanAsync('git cat-file --batch', () => git.finish());
    if (r.code !== 0) throw new GitError(['cat-file', '--batch'], r.code, r.stderr);
    return parseBatch(r.stdout, this.names);
  }
}

/** `readObjects` without blocking, keeping each object's id (useful for `rev:path` names). */
export async function readObjectsAsync(cwd: string, names: string[], env?: NodeJS.ProcessEnv): Promise<Map<string, GitObject | undefined>> {
  const unique = [...new Set(names)];
  if (!unique.length) return new Map();
  return parseBatch(await gitAsync(['cat-file', '--batch'], { cwd, env, input: batchInput(unique) }), unique);
}

export interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  path: string;
}

function parseLsLines(out: Buffer, re: RegExp): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const line of out.toString('utf8').split('\0')) {
    if (!line) continue;
    const m = re.exec(line);
    if (!m) throw new Error(`unexpected git listing line: ${JSON.stringify(line.slice(0, 80))}`);
    entries.push({ mode: m[1], type: m[2], object: m[3], path: m[4] });
  }
  return entries;
}

/** Entries under `dir` in a tree-ish (recursive). */
export function lsTree(cwd: string, treeish: string, dir: string, env?: NodeJS.ProcessEnv): TreeEntry[] {
  const out = git(['ls-tree', '-r', '-z', '--full-tree', treeish, '--', dir], { cwd, env });
  return parseLsLines(out, /^(\d{6}) (\w+) ([0-9a-f]+)\t([\s\S]*)$/);
}

/** The entries directly in `dir` ('' for the top) of a tree-ish, without blocking. */
export async function lsTreeDirAsync(cwd: string, treeish: string, dir: string, env?: NodeJS.ProcessEnv): Promise<TreeEntry[]> {
  const out = await gitAsync(['ls-tree', '-z', '--full-tree', treeish, '--', ...(dir ? [`${dir}/`] : [])], { cwd, env });
  return parseLsLines(out, /^(\d{6}) (\w+) ([0-9a-f]+)\t([\s\S]*)$/);
}

/** Index entries (stage 0) directly in `dir` ('' for the top) whose names end with `suffix`, without blocking. */
export async function lsIndexDirAsync(cwd: string, dir: string, suffix: string, env?: NodeJS.ProcessEnv): Promise<TreeEntry[]> {
  const glob = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');
  const spec = `:(top,glob)${dir ? glob(dir) + '/' : ''}*${glob(suffix)}`;
  const out = await gitAsync(['ls-files', '-s', '-z', '--full-name', '--', spec], { cwd, env });
  return parseLsFiles(out).filter((e) => e.type === 'blob');
}

/** Entries under `dir` in the index (stage 0 and conflict stages). */
export function lsIndex(cwd: string, dir: string, env?: NodeJS.ProcessEnv): TreeEntry[] {
  return parseLsFiles(git(lsFilesArgs([dir]), { cwd, env }));
}

/** `git ls-files` arguments listing index entries under `paths` (repo-relative, whatever the cwd). */
export function lsFilesArgs(paths: string[]): string[] {
  return ['ls-files', '-s', '-z', '--full-name', '--', ...paths.map((p) => `:(top)${p}`)];
}

/** Parses `git ls-files -s -z` output. */
export function parseLsFiles(out: Buffer): TreeEntry[] {
  // ls-files -s: "<mode> <object> <stage>\t<path>"; parsed as mode/type/object/path, then reordered.
  return parseLsLines(out, /^(\d{6}) ([0-9a-f]+) (\d)\t([\s\S]*)$/).map((e) => ({
    mode: e.mode,
    type: e.object === '0' ? (e.mode === '160000' ? 'commit' : 'blob') : `stage${e.object}`,
    object: e.type,
    path: e.path,
  }));
}

export interface Ident {
  name: string;
  email: string;
}

export function parseIdent(text: string): Ident {
  const m = /^(.*?)\s*<([^>]*)>/.exec(text.trim());
  if (!m) return { name: text.trim(), email: '' };
  return { name: m[1], email: m[2] };
}

/** Who the commit being made will be authored by (git exports GIT_AUTHOR_* to hooks, amend included). */
export function authorIdent(cwd: string, env?: NodeJS.ProcessEnv): Ident {
  return parseIdent(gitText(['var', 'GIT_AUTHOR_IDENT'], { cwd, env }));
}

// Characters git trims from the ends of ident parts (ident.c `crud`; older gits also trim '.'),
// or removes inside them.
const IDENT_CRUD_END = /^[\x00-\x20.,:;<>"\\']|[\x00-\x20.,:;<>"\\']$/;
const IDENT_CRUD_IN = /[<>\n]/;

/**
 * The author from GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL when git would take them verbatim: git
 * exports both to the pre-commit hook, and they override every config. Anything git would clean
 * up (or a missing part) returns undefined, so the caller asks `git var` instead.
 */
export function authorFromEnv(env: NodeJS.ProcessEnv): Ident | undefined {
  const name = env.GIT_AUTHOR_NAME;
  const email = env.GIT_AUTHOR_EMAIL;
  if (!name || !email) return undefined;
  for (const part of [name, email]) if (IDENT_CRUD_END.test(part) || IDENT_CRUD_IN.test(part)) return undefined;
  return { name, email };
}

export function configGet(cwd: string, key: string, env?: NodeJS.ProcessEnv): string | undefined {
  const r = gitRaw(['config', '--get', key], { cwd, env });
  if (r.code === 1) return undefined;
  if (r.code !== 0) throw new GitError(['config', '--get', key], r.code, r.stderr);
  return r.stdout.toString('utf8').replace(/\n$/, '');
}

export function revParse(cwd: string, rev: string, env?: NodeJS.ProcessEnv): string | undefined {
  const r = gitRaw(['rev-parse', '-q', '--verify', '--end-of-options', rev], { cwd, env });
  return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
}

export interface CommitInfo {
  id: string;
  parents: string[];
  author: Ident;
  subject: string;
  /** Emails named in `Co-authored-by:` trailers (they wrote the change too). */
  coAuthors?: string[];
}

/** Commits in `from..to`, oldest first. */
export function commitsInRange(cwd: string, from: string | undefined, to: string, env?: NodeJS.ProcessEnv): CommitInfo[] {
  const range = from ? [`${from}..${to}`] : [to];
  const format = '--format=%H%x1f%P%x1f%an%x1f%ae%x1f%s%x1f%(trailers:key=Co-authored-by,valueonly,unfold,separator=%x1e)';
  const out = gitText(['log', '-z', '--reverse', format, ...range, '--'], { cwd, env });
  return out
    .split('\0')
    .filter(Boolean)
    .map((rec) => {
      const [id, parents, an, ae, subject, trailers] = rec.replace(/^\n/, '').split('\x1f');
      const coAuthors = (trailers ?? '')
        .split('\x1e')
        .map((t) => /<([^<>]+)>/.exec(t)?.[1]?.trim())
        .filter((e): e is string => !!e);
      return { id, parents: parents ? parents.split(' ') : [], author: { name: an, email: ae }, subject, ...(coAuthors.length ? { coAuthors } : {}) };
    });
}

/** Paths (and pre-rename paths) each commit touched relative to its first parent. */
export function commitPaths(cwd: string, commit: CommitInfo, env?: NodeJS.ProcessEnv): string[] {
  const base = commit.parents[0] ?? EMPTY_TREE;
  return treeChanges(cwd, base, commit.id, env).flatMap((c) => (c.oldPath !== c.path ? [c.oldPath, c.path] : [c.path]));
}

export function mergeHeads(gitDir: string, read: (p: string) => string | undefined): string[] {
  const text = read(path.join(gitDir, 'MERGE_HEAD'));
  return text ? text.split('\n').map((s) => s.trim()).filter((s) => /^[0-9a-f]{40,64}$/.test(s)) : [];
}
