// Gathers what a review needs from git: the changed files (index vs HEAD, or a commit range), the
// rules at the base and the target, the review records, and who authored the change.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  authorFromEnv,
  commitPaths,
  commitsInRange,
  EMPTY_TREE,
  gitAsync,
  gitRaw,
  gitRawAsync,
  GitError,
  lsIndexDirAsync,
  lsTree,
  lsTreeDirAsync,
  parseIdent,
  parseLsFiles,
  parseRawDiff,
  readObjects,
  readObjectsAsync,
  repoPathsFromDotGit,
  ObjectReader,
  type GitObject,
  treeChanges,
  type CommitInfo,
  type GitRun,
  type RepoPaths,
  type RawChange,
  type TreeEntry,
} from '../git';
import { objectsDirFor, readLooseBlob } from '../loose-object';
import { RULES_FILE } from '../rules-file';
import type { RecordFile } from './policy';
import { AUTHOR_IDENT_ARGS, rawDiffArgs, STAGED_DIFF_ARGS, STAGED_LS_ARGS, type PreListed } from './prelisted';
import { APPROVALS_DIR } from './record';
import { repoBinding, type RepoBinding } from './roots';
import { mark, span } from '../trace';

export interface Blob {
  id: string;
  text: string;
}

export interface ReviewInput {
  cwd: string;
  root: string;
  gitDir: string;
  commonDir: string;
  env?: NodeJS.ProcessEnv;
  mode: 'staged' | 'range';
  /** Commit (or EMPTY_TREE) the change is measured from. */
  base: string;
  /** 'index' for staged; the end commit for a range. */
  target: string;
  /** Added, modified, renamed, type-changed files (never deletions). */
  changes: RawChange[];
  /** For a merge in progress: the changes relative to each other parent, keyed by path. */
  otherParents: Array<Map<string, RawChange>>;
  baseRules?: Blob;
  targetRules?: Blob;
  records: RecordFile[];
  authorsOf(path: string): string[];
  /** Human-readable description of the author(s), for messages. */
  author: string;
  commits: CommitInfo[];
  /** The repository approvals must be made for (root commits, computed only when asked). */
  repository: RepoBinding;
  /** Blob contents already read while gathering (the hook's prefetch); `readBlobs` asks git only for the rest. */
  blobs?: Map<string, Buffer | undefined>;
}

/** What the staged change looks like as soon as git has listed it, before any blob is read. */
export interface StagedListing {
  changes: RawChange[];
  /** The staged rules file's blob id, if there is one. */
  targetRulesId?: string;
  commonDir: string;
  /** The working tree's top (the engine resolves the rules file's globs against it). */
  root?: string;
  /** The git directory holding this working tree's index. */
  gitDir?: string;
}

export interface StagedOptions {
  /**
   * Called once the change is listed and before the one `cat-file --batch` is closed: the blob
   * ids returned are read in that same process (the hook asks for what its cache cannot answer),
   * and the caller may start other work (loading the analyser) while git reads them.
   */
  prefetch?(listing: StagedListing): string[];
  /** Listing output git already produced (the hook's runner); what is missing here is asked for. */
  prelisted?: PreListed;
  /**
   * With `prelisted`: what to let happen before git's blob reader is spawned (a spawn blocks the
   * event loop for ~10 ms), such as the head start the prefetch sent the analysis server. Waited
   * for at most `HOLD_READER_MS`.
   */
  holdReader?(): Promise<unknown> | undefined;
}

const HOLD_READER_MS = 20;

export class ReviewInputError extends Error {}

function treeRecords(entries: TreeEntry[]): TreeEntry[] {
  return entries.filter((e) => (e.path === APPROVALS_DIR || e.path.startsWith(APPROVALS_DIR + '/')) && !path.posix.basename(e.path).startsWith('.'));
}

function readRecords(cwd: string, entries: TreeEntry[], env: NodeJS.ProcessEnv | undefined, extra: string[]): { records: RecordFile[]; blobs: Map<string, Buffer | undefined> } {
  const blobs = readObjects(cwd, [...entries.filter((e) => e.type === 'blob').map((e) => e.object), ...extra], env);
  const records = entries.map((e) => ({ path: e.path, mode: e.mode, text: e.type === 'blob' ? (blobs.get(e.object)?.toString('utf8') ?? '') : '' }));
  return { records, blobs };
}

function repoPaths(cwd: string, env?: NodeJS.ProcessEnv): { root: string; gitDir: string; commonDir: string; head?: string } {
  const r = gitRaw(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'], { cwd, env });
  if (r.code !== 0) throw new ReviewInputError(`not inside a git working tree (${r.stderr.trim().split('\n')[0]})`);
  const [root, gitDir, common] = r.stdout.toString('utf8').split('\n');
  const head = gitRaw(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd, env });
  return { root, gitDir, commonDir: path.resolve(cwd, common), head: head.code === 0 ? head.stdout.toString('utf8').trim() : undefined };
}

function readMaybe(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function rulesBlob(id: string | undefined, blobs: Map<string, Buffer | undefined>): Blob | undefined {
  if (!id) return undefined;
  const b = blobs.get(id);
  return b ? { id, text: b.toString('utf8') } : undefined;
}

function checked(args: string[], run: GitRun): Buffer {
  if (run.code !== 0) throw new GitError(args, run.code, run.stderr);
  return run.stdout;
}

/**
 * The staged change: index vs HEAD (nothing before the first commit). Every git process starts at
 * once and they run side by side: the raw diff, the index entries of the rules file and records,
 * and one `cat-file --batch` that resolves HEAD and its rules file straight away and then reads
 * the staged rules and records once the index listing names them. Where the repository is comes
 * from `.git` when that is certain (else `rev-parse`, alongside), and the author from git's
 * GIT_AUTHOR_* exports when git would take them verbatim (else `git var`, alongside).
 */
export async function stagedInput(cwd: string, env?: NodeJS.ProcessEnv, opts: StagedOptions = {}): Promise<ReviewInput> {
  const quick = span('repo paths', () => repoPathsFromDotGit(cwd, env ?? process.env));
  // With the listing already in hand, git's blob reader starts after the prefetch has had it (the
  // spawn blocks for ~10 ms, and the analysis server's head start should not wait for that).
  const reader = new ObjectReader(cwd, env, { deferred: !!opts.prelisted });
  try {
    return await stagedWith(reader, quick, cwd, env, opts);
  } catch (err) {
    reader.close();
    throw err;
  }
}

const EMPTY_BLOBS = new Set(['e69de29bb2d1d6434b8b29ae775ad8c2e48c5391', '473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813']);

/**
 * HEAD's rules file as the staged listing shows it: unchanged (the staged blob), or modified in
 * place (the diff's old blob); `{}` when HEAD has none (added, or no rules file at all). Undefined
 * when the listing cannot say for certain (renamed, deleted, type change): then ask git.
 */
export function headRulesFromListing(all: readonly RawChange[], stagedRulesId: string | undefined): { id?: string } | undefined {
  const touching = all.filter((c) => c.path === RULES_FILE || c.oldPath === RULES_FILE);
  // `git add -N` lists an empty blob in the index that `diff --cached` does not show.
  if (!touching.length) return stagedRulesId && EMPTY_BLOBS.has(stagedRulesId) ? undefined : { id: stagedRulesId };
  const [only] = touching;
  if (touching.length > 1 || only.path !== only.oldPath) return undefined;
  if (only.status === 'A') return {};
  if (only.status === 'M' && !/^0+$/.test(only.oldBlob)) return { id: only.oldBlob };
  return undefined;
}

/** The staged change as `git diff --cached` (STAGED_DIFF_ARGS) and `ls-files` (STAGED_LS_ARGS) list it; the hook and the analysis server's index watcher read it alike. */
export interface ParsedStagedListing {
  /** Every entry of the diff, deletions included. */
  all: RawChange[];
  /** What is analysed: everything but deletions. */
  changes: RawChange[];
  entries: TreeEntry[];
  /** The staged rules file's index entry. */
  ruleIndex?: TreeEntry;
}

export function parseStagedListing(diff: Buffer, ls: Buffer): ParsedStagedListing {
  const all = parseRawDiff(diff);
  const unmerged = all.filter((c) => c.status === 'U');
  if (unmerged.length) throw new ReviewInputError(`unresolved merge conflicts in ${unmerged.map((c) => c.path).join(', ')}; resolve them first`);
  const entries = parseLsFiles(ls);
  return { all, changes: all.filter((c) => c.status !== 'D'), entries, ruleIndex: entries.find((e) => e.path === RULES_FILE && e.type === 'blob') };
}

/** git's blob reader for what was asked of it, or nothing (and no git started) when nothing was. */
function readAsked(reader: ObjectReader): Promise<Map<string, GitObject | undefined>> {
  if (!reader.asked()) {
    reader.close();
    return Promise.resolve(new Map());
  }
  span('start cat-file', () => reader.start());
  return reader.read();
}

async function stagedWith(reader: ObjectReader, quick: RepoPaths | undefined, cwd: string, env: NodeJS.ProcessEnv | undefined, opts: StagedOptions): Promise<ReviewInput> {
  const revArgs = ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'];
  // Without a revision, `diff --cached` compares with HEAD, or shows everything staged on an unborn branch.
  const diffArgs = STAGED_DIFF_ARGS;
  const lsArgs = STAGED_LS_ARGS;
  const headRulesName = `HEAD:${RULES_FILE}`;
  const pre = opts.prelisted ?? {};
  const headLine = pre.head?.stdout.toString('utf8').trim();
  const headId = headLine && /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(headLine) ? headLine : undefined;
  // Without HEAD from the runner, git resolves it (and its rules file) while the listing runs.
  if (!headId) reader.ask(['HEAD^{commit}', headRulesName]);
  const fromEnv = authorFromEnv(env ?? process.env);
  const [revs, diff, listed, who] = await Promise.all([
    quick ? undefined : gitRawAsync(revArgs, { cwd, env }),
    pre.diff ?? gitRawAsync(diffArgs, { cwd, env }),
    pre.ls ?? gitRawAsync(lsArgs, { cwd, env }),
    fromEnv ??
      (pre.ident ? Promise.resolve(pre.ident.stdout) : gitAsync(AUTHOR_IDENT_ARGS, { cwd, env })).then(
        (out) => parseIdent(out.toString('utf8')),
        (err: Error) => err,
      ),
  ]);
  mark('listing gathered');
  let repo = quick;
  if (!repo) {
    const lines = revs!.stdout.toString('utf8').split('\n');
    if (revs!.code !== 0 || lines.length < 3) throw new ReviewInputError(`not inside a git working tree (${revs!.stderr.trim().split('\n')[0] || `git rev-parse exit ${revs!.code}`})`);
    repo = { root: lines[0], gitDir: lines[1], commonDir: path.resolve(cwd, lines[2]) };
  }
  const { root, gitDir, commonDir } = repo;
  const { all, changes, entries, ruleIndex } = parseStagedListing(checked(diffArgs, diff), checked(lsArgs, listed));
  if (who instanceof Error) throw who;
  const recordEntries = treeRecords(entries);
  const headRules = headId ? headRulesFromListing(all, ruleIndex?.object) : undefined;
  if (headId && !headRules) reader.ask([headRulesName]);
  const prefetched = [...new Set(opts.prefetch?.({ changes, targetRulesId: ruleIndex?.object, commonDir, root, gitDir }) ?? [])].filter((id) => /^[0-9a-f]{40,64}$/.test(id));
  // Blobs named by id: loose ones are read here (checked against the id), the rest by git.
  const wanted = [...new Set([...(headRules?.id ? [headRules.id] : []), ...recordEntries.filter((e) => e.type === 'blob').map((e) => e.object), ...(ruleIndex ? [ruleIndex.object] : []), ...prefetched])];
  const objectsDir = objectsDirFor(commonDir, env ?? process.env);
  const loose = new Map<string, Buffer>();
  span('read loose objects', () => {
    for (const id of wanted) {
      const data = readLooseBlob(objectsDir, id);
      if (data) loose.set(id, data);
    }
  });
  reader.ask(wanted.filter((id) => !loose.has(id)));
  const hold = opts.prelisted ? opts.holdReader?.() : undefined;
  if (hold && reader.asked()) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([hold.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, HOLD_READER_MS)))]);
    clearTimeout(timer);
  }
  const mergeHeads = (readMaybe(path.join(gitDir, 'MERGE_HEAD')) ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => /^[0-9a-f]{40,64}$/.test(s));
  const [objects, otherParents] = await Promise.all([
    readAsked(reader),
    Promise.all(mergeHeads.map(async (mh) => new Map(parseRawDiff(await gitAsync(rawDiffArgs(mh), { cwd, env })).map((c) => [c.path, c])))),
  ]);
  const headObject = headId ? { id: headId, type: 'commit' } : objects.get('HEAD^{commit}');
  const blobs = new Map<string, Buffer | undefined>([...[...objects].map(([k, v]) => [k, v?.data] as const), ...loose]);
  const records = recordEntries.map((e) => ({ path: e.path, mode: e.mode, text: e.type === 'blob' ? (blobs.get(e.object)?.toString('utf8') ?? '') : '' }));
  let baseRules: Blob | undefined;
  if (headObject?.type === 'commit') {
    if (headRules) baseRules = headRules.id ? rulesBlob(headRules.id, blobs) : undefined;
    else {
      const byName = objects.get(headRulesName);
      baseRules = byName?.data ? { id: byName.id, text: byName.data.toString('utf8') } : undefined;
    }
    // The listing named a rules blob that could not be read: the rules at HEAD are unknown, never absent.
    if (headRules?.id && !baseRules) throw new ReviewInputError(`cannot read ${RULES_FILE} at HEAD (blob ${headRules.id.slice(0, 12)})`);
  }
  const base = headObject?.type === 'commit' ? headObject.id : EMPTY_TREE;
  return {
    cwd: root,
    root,
    gitDir,
    commonDir,
    env,
    mode: 'staged',
    base,
    target: 'index',
    changes,
    otherParents,
    baseRules,
    targetRules: rulesBlob(ruleIndex?.object, blobs),
    records,
    authorsOf: () => (who.email ? [who.email] : []),
    author: who.email ? `${who.name} <${who.email}>` : who.name,
    commits: [],
    repository: repoBinding(root, commonDir, base, env),
    blobs: new Map(prefetched.map((id) => [id, blobs.get(id)])),
  };
}

/** A commit range for CI: everything `to` introduces relative to `from` (or to nothing). */
export function rangeInput(cwd: string, from: string | undefined, to: string, env?: NodeJS.ProcessEnv): ReviewInput {
  const repo = repoPaths(cwd, env);
  const top = repo.root;
  const base = from ?? EMPTY_TREE;
  const changes = treeChanges(top, base, to, env).filter((c) => c.status !== 'D');
  const commits = commitsInRange(top, from, to, env);
  const authors = new Map<string, Set<string>>();
  for (const c of commits) {
    if (c.parents.length > 1) continue;
    for (const p of commitPaths(top, c, env)) {
      if (!authors.has(p)) authors.set(p, new Set());
      for (const who of [c.author.email, ...(c.coAuthors ?? [])]) authors.get(p)!.add(who.toLowerCase());
    }
  }
  const baseRules = from ? lsTree(top, from, RULES_FILE, env).find((e) => e.path === RULES_FILE) : undefined;
  const targetRules = lsTree(top, to, RULES_FILE, env).find((e) => e.path === RULES_FILE);
  const recordEntries = treeRecords(lsTree(top, to, APPROVALS_DIR, env));
  const { records, blobs } = readRecords(top, recordEntries, env, [baseRules?.object, targetRules?.object].filter((x): x is string => !!x));
  const everyone = [...new Set(commits.filter((c) => c.parents.length <= 1).map((c) => c.author.email))];
  return {
    cwd: top,
    root: repo.root,
    gitDir: repo.gitDir,
    commonDir: repo.commonDir,
    env,
    mode: 'range',
    base,
    target: to,
    changes,
    otherParents: [],
    baseRules: rulesBlob(baseRules?.object, blobs),
    targetRules: rulesBlob(targetRules?.object, blobs),
    records,
    authorsOf: (p) => [...(authors.get(p) ?? [])],
    author: everyone.join(', ') || 'nobody',
    commits,
    repository: repoBinding(top, repo.commonDir, to, env),
  };
}

/** One commit against its first parent, as the hook would have seen it. */
export function commitInput(cwd: string, commit: CommitInfo, env?: NodeJS.ProcessEnv): ReviewInput {
  const input = rangeInput(cwd, commit.parents[0], commit.id, env);
  return { ...input, authorsOf: () => [commit.author.email, ...(commit.coAuthors ?? [])], author: commit.author.email, commits: [commit] };
}

export async function readBlobs(input: ReviewInput, ids: string[]): Promise<Map<string, Buffer | undefined>> {
  const known = input.blobs ?? new Map<string, Buffer | undefined>();
  const out = new Map<string, Buffer | undefined>();
  const rest: string[] = [];
  for (const id of ids.filter(Boolean)) {
    // A prefetched blob git reported missing is asked again: only git's answer to this read counts.
    if (known.get(id)) out.set(id, known.get(id));
    else rest.push(id);
  }
  if (rest.length) for (const [k, v] of await readObjectsAsync(input.cwd, rest, input.env)) out.set(k, v?.data);
  return out;
}

/** Other files of the repository on both sides of a change (the base, and the index or target commit). */
export interface OtherFiles {
  paths: string[];
  before: Map<string, Buffer>;
  after: Map<string, Buffer>;
}

/**
 * Reads the named files and the `.tf` files directly in the named directories on both sides of the
 * change: HEAD and the index for a staged check (what is staged, never the working tree), the
 * range's ends for a range. One listing per directory and side, then one `cat-file --batch`.
 */
export async function readOtherFiles(input: ReviewInput, files: readonly string[], dirs: readonly string[]): Promise<OtherFiles> {
  const staged = input.mode === 'staged';
  const hasBase = input.base !== EMPTY_TREE;
  const { cwd, env } = input;
  const listings = await Promise.all(
    dirs.flatMap((dir) => [
      staged ? lsIndexDirAsync(cwd, dir, '.tf', env) : lsTreeDirAsync(cwd, input.target, dir, env).then((es) => es.filter((e) => e.type === 'blob' && /\.tf$/i.test(e.path))),
      hasBase ? lsTreeDirAsync(cwd, input.base, dir, env).then((es) => es.filter((e) => e.type === 'blob' && /\.tf$/i.test(e.path))) : Promise.resolve([]),
    ]),
  );
  const paths = [...new Set([...files, ...listings.flat().map((e) => e.path)])].filter((p) => !/[\n\r]/.test(p));
  const afterName = (p: string) => (staged ? `:${p}` : `${input.target}:${p}`);
  const beforeName = (p: string) => `${input.base}:${p}`;
  const objects = await readObjectsAsync(cwd, paths.flatMap((p) => (hasBase ? [afterName(p), beforeName(p)] : [afterName(p)])), env);
  const out: OtherFiles = { paths: [], before: new Map(), after: new Map() };
  for (const p of paths) {
    const a = objects.get(afterName(p));
    const b = hasBase ? objects.get(beforeName(p)) : undefined;
    if (a?.type === 'blob' && a.data) out.after.set(p, a.data);
    if (b?.type === 'blob' && b.data) out.before.set(p, b.data);
    if (out.after.has(p) || out.before.has(p)) out.paths.push(p);
  }
  return out;
}

export { GitError };
