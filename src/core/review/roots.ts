// Which repository an approval is for: the root commits (no parents) reachable from a revision.
// Forks and clones share them; another repository with the same seniors and content does not.
// Walking all history costs time, so the answer is computed only when an approval has to be
// checked and is cached in the git directory per commit id (a commit's ancestry never changes).
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { EMPTY_TREE, gitRaw, readObjects, revParse } from '../git';

const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export class RootsError extends Error {}

/** What the policy checks an approval's `roots` against. */
export interface RepoBinding {
  /** Root commits of the history the approvals are checked for, sorted; throws RootsError when unknown. */
  roots(): string[];
  /** Whether an approval bound to no history (made before the first commit) may count here. */
  allowsUnborn(recordPath: string): boolean;
}

export function isObjectId(s: string): boolean {
  return OBJECT_ID.test(s);
}

export function shortRoot(roots: string[]): string {
  return roots.length ? roots.map((r) => r.slice(0, 7)).join(', ') : 'none: no commits yet';
}

function cacheFile(commonDir: string, commit: string): string {
  return path.join(commonDir, 'foureyes', 'cache', 'roots', commit.slice(0, 2), commit);
}

function readCached(file: string): string[] | undefined {
  try {
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    return lines.length && lines.every(isObjectId) ? lines : undefined;
  } catch {
    return undefined;
  }
}

function writeCached(file: string, roots: string[]): void {
  try {
    writeFileAtomic(file, roots.join('\n') + '\n');
  } catch {
    // A read-only git directory only costs the walk again next time.
  }
}

/** How many recent commits are looked at for a cached ancestor before walking all history. */
const NEARBY = 64;

/**
 * The roots of `commit` from the cache entries of its recent ancestors: a commit's roots are the
 * union of its parents' (itself when it has none). Lists the last NEARBY commits with their
 * parents; undefined when some parent is neither among them nor cached (then history is walked).
 */
function fromNearbyEntries(cwd: string, commonDir: string, commit: string, env?: NodeJS.ProcessEnv): string[] | undefined {
  const r = gitRaw(['--no-replace-objects', 'rev-list', '--parents', `--max-count=${NEARBY}`, commit, '--'], { cwd, env });
  if (r.code !== 0) return undefined;
  const parents = new Map<string, string[]>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const [c, ...ps] = line.split(' ').filter(Boolean);
    if (c && isObjectId(c) && ps.every(isObjectId)) parents.set(c, ps);
  }
  const memo = new Map<string, string[] | undefined>();
  const rootsOf = (c: string, depth: number): string[] | undefined => {
    if (memo.has(c)) return memo.get(c);
    let out: string[] | undefined = depth > 0 ? readCached(cacheFile(commonDir, c)) : undefined;
    const ps = parents.get(c);
    if (!out && ps && depth < NEARBY) {
      if (!ps.length) out = [c];
      else {
        const all = new Set<string>();
        for (const p of ps) {
          const got = rootsOf(p, depth + 1);
          if (!got) {
            out = undefined;
            all.clear();
            break;
          }
          got.forEach((x) => all.add(x));
          out = [...all].sort();
        }
      }
    }
    memo.set(c, out);
    return out;
  };
  return rootsOf(commit, 0);
}

/**
 * The root commits reachable from `commit` (sorted). Replace refs are ignored so the answer
 * depends on the commit id alone; a shallow clone is refused, since its cut-off commits
 * look like roots.
 */
export function rootCommits(cwd: string, commonDir: string, rev: string, env?: NodeJS.ProcessEnv): string[] {
  const commit = isObjectId(rev) ? rev : revParse(cwd, `${rev}^{commit}`, env);
  if (!commit) throw new RootsError(`cannot find the root commits of ${rev}: not a commit`);
  if (existsSync(path.join(commonDir, 'shallow'))) {
    throw new RootsError('this clone is shallow, so its first commit is unknown and approvals cannot be matched to the repository; fetch the full history (`git fetch --unshallow`, or fetch-depth: 0 in CI)');
  }
  const file = cacheFile(commonDir, commit);
  const cached = readCached(file);
  if (cached) return cached;
  const near = fromNearbyEntries(cwd, commonDir, commit, env);
  if (near) {
    writeCached(file, near);
    return near;
  }
  const r = gitRaw(['--no-replace-objects', 'rev-list', '--max-parents=0', commit, '--'], { cwd, env });
  const roots = r.code === 0 ? r.stdout.toString('utf8').split('\n').filter(Boolean).sort() : [];
  if (r.code !== 0 || !roots.length || !roots.every(isObjectId)) {
    throw new RootsError(`cannot find the root commits of ${commit.slice(0, 12)}: ${r.stderr.trim().split('\n')[0] || `git rev-list exit ${r.code}`}`);
  }
  writeCached(file, roots);
  return roots;
}

/**
 * The binding for a check at `commit` (HEAD for the hook, the range's end for CI: every approval
 * committed in the range or before was made at an ancestor of it, so its roots are among these),
 * or before the first commit (`EMPTY_TREE`). An approval bound to no history counts before the
 * first commit, and afterwards only when it was committed in one of the root commits themselves,
 * i.e. with the initial commit it approved.
 */
export function repoBinding(cwd: string, commonDir: string, commit: string, env?: NodeJS.ProcessEnv): RepoBinding {
  const unborn = commit === EMPTY_TREE;
  let roots: string[] | undefined;
  const get = () => (roots ??= unborn ? [] : rootCommits(cwd, commonDir, commit, env));
  const inRoot = new Map<string, boolean>();
  return {
    roots: get,
    allowsUnborn: (recordPath) => {
      if (unborn) return true;
      let hit = inRoot.get(recordPath);
      if (hit === undefined) {
        const names = get().map((r) => `${r}:${recordPath}`);
        const found = readObjects(cwd, names, env);
        hit = names.some((n) => found.get(n) !== undefined);
        inRoot.set(recordPath, hit);
      }
      return hit;
    },
  };
}

/** The binding at the current HEAD of the repository at `cwd` (before the first commit: no history). */
export function headBinding(cwd: string, commonDir: string, env?: NodeJS.ProcessEnv): RepoBinding {
  return repoBinding(cwd, commonDir, revParse(cwd, 'HEAD^{commit}', env) ?? EMPTY_TREE, env);
}
