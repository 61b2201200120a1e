// Gathers what a review needs from git: the changed files (index vs HEAD, or a commit range), the
// rules at the base and the target, the review records, and who authored the change.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  authorIdent,
  commitPaths,
  commitsInRange,
  EMPTY_TREE,
  gitRaw,
  GitError,
  lsIndex,
  lsTree,
  readObjects,
  stagedChanges,
  treeChanges,
  type CommitInfo,
  type RawChange,
  type TreeEntry,
} from '../git';
import { RULES_FILE } from '../rules';
import type { RecordFile } from './policy';
import { APPROVALS_DIR } from './record';

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
}

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

/** The staged change: index vs HEAD (nothing before the first commit). */
export function stagedInput(cwd: string, env?: NodeJS.ProcessEnv): ReviewInput {
  const repo = repoPaths(cwd, env);
  // Run git from the top so paths are repo-relative whatever the caller's cwd.
  const top = repo.root;
  const base = repo.head ?? EMPTY_TREE;
  const all = stagedChanges(top, base, env);
  const unmerged = all.filter((c) => c.status === 'U');
  if (unmerged.length) throw new ReviewInputError(`unresolved merge conflicts in ${unmerged.map((c) => c.path).join(', ')}; resolve them first`);
  const changes = all.filter((c) => c.status !== 'D');
  const mergeHeads = (readMaybe(path.join(repo.gitDir, 'MERGE_HEAD')) ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => /^[0-9a-f]{40,64}$/.test(s));
  const otherParents = mergeHeads.map((mh) => new Map(stagedChanges(top, mh, env).map((c) => [c.path, c])));
  const ruleIndex = lsIndex(top, RULES_FILE, env).find((e) => e.path === RULES_FILE && e.type === 'blob');
  const headRules = repo.head ? lsTree(top, repo.head, RULES_FILE, env).find((e) => e.path === RULES_FILE) : undefined;
  const recordEntries = treeRecords(lsIndex(top, APPROVALS_DIR, env));
  const { records, blobs } = readRecords(top, recordEntries, env, [ruleIndex?.object, headRules?.object].filter((x): x is string => !!x));
  const who = authorIdent(top, env);
  return {
    cwd: top,
    root: repo.root,
    gitDir: repo.gitDir,
    commonDir: repo.commonDir,
    env,
    mode: 'staged',
    base,
    target: 'index',
    changes,
    otherParents,
    baseRules: rulesBlob(headRules?.object, blobs),
    targetRules: rulesBlob(ruleIndex?.object, blobs),
    records,
    authorsOf: () => (who.email ? [who.email] : []),
    author: who.email ? `${who.name} <${who.email}>` : who.name,
    commits: [],
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
      authors.get(p)!.add(c.author.email.toLowerCase());
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
  };
}

/** One commit against its first parent, as the hook would have seen it. */
export function commitInput(cwd: string, commit: CommitInfo, env?: NodeJS.ProcessEnv): ReviewInput {
  const input = rangeInput(cwd, commit.parents[0], commit.id, env);
  return { ...input, authorsOf: () => [commit.author.email], author: commit.author.email, commits: [commit] };
}

export function readBlobs(input: ReviewInput, ids: string[]): Map<string, Buffer | undefined> {
  return readObjects(input.cwd, ids.filter(Boolean), input.env);
}

export { GitError };
