// What each commit introduced and whether its own check would have blocked, cached per commit id:
// a commit never changes, so a refresh only reviews commits it has not seen. Each commit is judged
// as the hook would have judged it when it was made (its parent's rules, its own records, its
// committer date as "now"), so the answer is stable and cacheable.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Category, Severity } from './findings';
import { gitRaw, type CommitInfo } from './git';
import { runReview, type ReviewTools } from './review/engine';
import { commitInput } from './review/inputs';
import { isBlocking, type ReviewStatusState } from './review/policy';

export interface CommitFinding {
  fingerprint: string;
  ruleId: string;
  category: Category;
  severity: Severity;
  path: string;
  line: number;
  endLine: number;
  /** The blob the finding is in, for AI-origin lookups. */
  blob: string;
  state: ReviewStatusState;
  required: number;
}

export interface CommitReview {
  id: string;
  /** Committer date, ISO. */
  date: string;
  author: string;
  subject: string;
  merge: boolean;
  findings: CommitFinding[];
  /** Its own check would have blocked it: unapproved findings or errors. */
  blocked: boolean;
  errors: string[];
  /** The review itself failed (git error): not cached, tried again on the next refresh. */
  failed?: boolean;
}

export interface CommitMeta extends CommitInfo {
  date: string;
}

interface HistoryCacheFile {
  version: 1;
  tool: string;
  commits: Record<string, CommitReview>;
}

const MAX_CACHED = 5000;

/** The newest `limit` commits reachable from `rev`, newest first. */
export function recentCommits(cwd: string, rev: string, limit: number, env?: NodeJS.ProcessEnv): CommitMeta[] {
  const r = gitRaw(['log', '-z', `-n${Math.max(0, Math.floor(limit))}`, '--format=%H%x1f%P%x1f%an%x1f%ae%x1f%cI%x1f%s', rev, '--'], { cwd, env });
  if (r.code !== 0) return [];
  return r.stdout
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((rec) => {
      const [id, parents, an, ae, date, subject] = rec.replace(/^\n/, '').split('\x1f');
      return { id, parents: parents ? parents.split(' ') : [], author: { name: an, email: ae }, date: new Date(date).toISOString(), subject };
    });
}

export class CommitHistoryCache {
  private data: HistoryCacheFile;
  private dirty = false;

  constructor(
    readonly file: string | undefined,
    readonly tool: string,
  ) {
    this.data = { version: 1, tool, commits: {} };
    if (!file) return;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as HistoryCacheFile;
      // Another tool version may judge differently: start over rather than mix answers.
      if (parsed?.version === 1 && parsed.tool === tool && parsed.commits && typeof parsed.commits === 'object') this.data = parsed;
    } catch {
      // Missing or corrupt: the cache only saves work.
    }
  }

  get(id: string): CommitReview | undefined {
    return this.data.commits[id];
  }

  set(review: CommitReview): void {
    this.data.commits[review.id] = review;
    this.dirty = true;
  }

  get size(): number {
    return Object.keys(this.data.commits).length;
  }

  save(keep: Set<string>): void {
    if (!this.file || !this.dirty) return;
    const ids = Object.keys(this.data.commits);
    if (ids.length > MAX_CACHED) {
      const dropped = ids.filter((id) => !keep.has(id)).slice(0, ids.length - MAX_CACHED);
      for (const id of dropped) delete this.data.commits[id];
    }
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.data));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // A read-only git directory: the next refresh reviews the commits again.
    }
  }
}

export interface HistoryOptions {
  tools: ReviewTools;
  version: string;
  analysisCacheDir?: string;
  cache: CommitHistoryCache;
}

export async function reviewCommit(cwd: string, commit: CommitMeta, env: NodeJS.ProcessEnv | undefined, opts: HistoryOptions): Promise<CommitReview> {
  const base = { id: commit.id, date: commit.date, author: commit.author.email, subject: commit.subject, merge: commit.parents.length > 1 };
  // A merge's own findings were judged on the merged branch; what it brings in is not its author's change.
  if (base.merge) return { ...base, findings: [], blocked: false, errors: [] };
  try {
    const input = commitInput(cwd, commit, env);
    const outcome = await runReview(input, opts.tools, { version: opts.version, cacheDir: opts.analysisCacheDir, now: new Date(commit.date) });
    const blobs = new Map(input.changes.map((c) => [c.path, c.newBlob]));
    const findings = outcome.findings.map(
      (r): CommitFinding => ({
        fingerprint: r.finding.fingerprint,
        ruleId: r.finding.ruleId,
        category: r.finding.category,
        severity: r.finding.severity,
        path: r.finding.path,
        line: r.finding.range.startLine,
        endLine: r.finding.range.endLine,
        blob: blobs.get(r.finding.path) ?? '',
        state: r.state,
        required: r.required,
      }),
    );
    return { ...base, findings, blocked: outcome.errors.length > 0 || outcome.findings.some(isBlocking), errors: outcome.errors };
  } catch (err) {
    return { ...base, findings: [], blocked: true, failed: true, errors: [`commit ${commit.id.slice(0, 12)}: cannot be reviewed: ${(err as Error).message}`] };
  }
}

/** Reviews of `commits` (any order kept), from the cache where present; saves new ones. */
export async function reviewHistory(cwd: string, commits: CommitMeta[], env: NodeJS.ProcessEnv | undefined, opts: HistoryOptions): Promise<{ reviews: CommitReview[]; reviewed: number }> {
  const reviews: CommitReview[] = [];
  let reviewed = 0;
  for (const c of commits) {
    let r = opts.cache.get(c.id);
    if (!r) {
      r = await reviewCommit(cwd, c, env, opts);
      reviewed++;
      if (!r.failed) opts.cache.set(r);
    }
    reviews.push(r);
  }
  opts.cache.save(new Set(commits.map((c) => c.id)));
  return { reviews, reviewed };
}
