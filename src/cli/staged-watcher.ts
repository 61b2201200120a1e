// The analysis server's eye on the index: when `git add` (or anything else) rewrites a working
// tree's index, the server lists the staged change as the hook will and analyses what the cache
// cannot answer, so the commit that follows finds its analyses filed. A CLI user gets what the
// editor's pre-fill gives an editor user; the hook's own verdict is unchanged (it still reads
// everything from git and judges the policy itself). Best effort: any failure only means the hook
// analyses, as before.
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { gitRawAsync, type RawChange } from '../core/git';
import { headRulesFromListing, parseStagedListing, type ParsedStagedListing } from '../core/review/inputs';
import { STAGED_DIFF_ARGS, STAGED_LS_ARGS } from '../core/review/prelisted';

/** One working tree: its top and the git directory that holds its index. */
export interface Worktree {
  root: string;
  gitDir: string;
}

/** The staged change as the hook's listing names it (deletions and the rules file's id included). */
export interface StagedState {
  worktree: Worktree;
  changes: RawChange[];
  targetRulesId?: string;
  /** The rules file at HEAD when the listing tells it for certain (`headRulesFromListing`); else undefined. */
  baseRulesId?: string;
}

export interface StagedWatcherOptions {
  env: NodeJS.ProcessEnv;
  /** Called with each new listing; runs are never concurrent for one working tree. */
  onStaged(state: StagedState): Promise<void>;
  /** How long the index must stay unchanged before it is listed (`STAGED_SETTLE_MS` in use). */
  settleMs: number;
}

/**
 * A commit typed by hand comes seconds after `git add`; a scripted `git add && git commit` comes
 * within this and its hook sends a head start itself. Working earlier only competes with that
 * hook's own start-up for the two cores (measured: 262 vs 243 ms for 20 files), so a listing
 * waits this long and is dropped when a hook for the working tree asked meanwhile.
 */
export const STAGED_SETTLE_MS = 300;

/** More working trees than this are not watched (each costs an inotify watch and a listing per index write). */
const MAX_WORKTREES = 16;

/** What `git diff --cached` lists for the staged change, or undefined when git could not say (or a merge is unresolved). */
export async function listStaged(worktree: Worktree, env: NodeJS.ProcessEnv): Promise<StagedState | undefined> {
  const opts = { cwd: worktree.root, env: { ...env, GIT_DIR: worktree.gitDir, GIT_WORK_TREE: worktree.root } };
  const [diff, ls] = await Promise.all([gitRawAsync(STAGED_DIFF_ARGS, opts), gitRawAsync(STAGED_LS_ARGS, opts)]);
  if (diff.code !== 0 || ls.code !== 0) return undefined;
  let listing: ParsedStagedListing;
  try {
    listing = parseStagedListing(diff.stdout, ls.stdout);
  } catch {
    // An unresolved merge: the hook reports it.
    return undefined;
  }
  const targetRulesId = listing.ruleIndex?.object;
  return { worktree, changes: listing.changes, targetRulesId, baseRulesId: headRulesFromListing(listing.all, targetRulesId)?.id };
}

interface Watched {
  worktree: Worktree;
  watcher: FSWatcher;
  timer?: NodeJS.Timeout;
  running: boolean;
  again: boolean;
}

export class StagedWatcher {
  private readonly watched = new Map<string, Watched>();
  private closed = false;

  constructor(private readonly opts: StagedWatcherOptions) {}

  /** Starts watching a working tree's index (idempotent); a first listing runs straight away. */
  add(worktree: Worktree): void {
    const key = path.resolve(worktree.gitDir);
    if (this.closed || this.watched.has(key) || this.watched.size >= MAX_WORKTREES) return;
    let watcher: FSWatcher;
    try {
      // The directory, not the file: git replaces `index` by renaming `index.lock` over it.
      watcher = watch(key, { persistent: false }, (_event, name) => {
        if (name === null || String(name) === 'index') this.schedule(key);
      });
    } catch {
      return;
    }
    watcher.on('error', () => this.remove(key));
    this.watched.set(key, { worktree: { root: worktree.root, gitDir: key }, watcher, running: false, again: false });
    this.schedule(key);
  }

  /** A hook is checking this working tree's staged change now: a pending listing would only repeat it. */
  handledByHook(gitDir: string): void {
    const w = this.watched.get(path.resolve(gitDir));
    if (w?.timer) {
      clearTimeout(w.timer);
      w.timer = undefined;
    }
  }

  close(): void {
    this.closed = true;
    for (const key of [...this.watched.keys()]) this.remove(key);
  }

  private remove(key: string): void {
    const w = this.watched.get(key);
    if (!w) return;
    this.watched.delete(key);
    if (w.timer) clearTimeout(w.timer);
    w.watcher.close();
  }

  private schedule(key: string): void {
    const w = this.watched.get(key);
    if (!w) return;
    if (w.running) {
      w.again = true;
      return;
    }
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => void this.run(w), this.opts.settleMs);
    w.timer.unref();
  }

  private async run(w: Watched): Promise<void> {
    w.timer = undefined;
    w.running = true;
    try {
      const state = await listStaged(w.worktree, this.opts.env);
      if (state && !this.closed) await this.opts.onStaged(state);
    } catch {
      // A listing or analysis that failed leaves the work to the hook.
    } finally {
      w.running = false;
      if (w.again && this.watched.get(path.resolve(w.worktree.gitDir)) === w) {
        w.again = false;
        this.schedule(path.resolve(w.worktree.gitDir));
      }
    }
  }
}
