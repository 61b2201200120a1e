// Gathers everything `foureyes status` and the review-status panel show: findings in the working
// tree, the index and the branch with their review state and age; the review records with the
// commit that added them; commits that bypassed the hook; and findings per category over time.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { configGet, EMPTY_TREE, gitRaw, revParse } from './git';
import { originOfBlobSpan, readProvenance } from './provenance';
import { cacheDirFor, runReview, type ReviewOutcome, type ReviewTools } from './review/engine';
import { rangeInput, ReviewInputError, stagedInput, type ReviewInput } from './review/inputs';
import type { ReviewedFinding } from './review/policy';
import { APPROVALS_DIR } from './review/record';
import { statusFindings, statusRecords, type StatusFinding, type StatusReport } from './review/report';
import { CommitHistoryCache, recentCommits, reviewHistory } from './status-history';
import { bypassedCommits, historyBuckets, markStaleRecords, summarize } from './status-summary';
import { worktreeFindings } from './status-worktree';

export interface StatusOptions {
  tools: ReviewTools;
  version: string;
  now: Date;
  /** Branch base: a ref; default `git config foureyes.base`, else origin/HEAD, main, master. */
  base?: string;
  /** How many commits of history to review (bypass detection and the chart). */
  historyCommits?: number;
  historyBy?: 'week' | 'commit';
  /** Weeks, or commits, in the chart. */
  historyCount?: number;
}

export const DEFAULT_HISTORY_COMMITS = 200;
export const DEFAULT_HISTORY_WEEKS = 12;

/** When and by whom each record file was first committed. */
export function recordCommits(cwd: string, env?: NodeJS.ProcessEnv): Map<string, { id: string; author: string; date: string }> {
  const r = gitRaw(['log', '--diff-filter=A', '--format=%x01%H%x1f%ae%x1f%aI', '--name-only', '-z', '--', APPROVALS_DIR], { cwd, env });
  const map = new Map<string, { id: string; author: string; date: string }>();
  if (r.code !== 0) return map;
  let current: { id: string; author: string; date: string } | undefined;
  for (const tok of r.stdout.toString('utf8').split('\0')) {
    const t = tok.replace(/^\n/, '');
    if (t.startsWith('\x01')) {
      const [id, author, date] = t.slice(1).split('\x1f');
      current = { id, author, date: date.trim() };
      const rest = t.split('\n').slice(1).join('\n');
      if (rest && current && !map.has(rest)) map.set(rest, current);
    } else if (t && current && !map.has(t)) map.set(t, current);
  }
  return map;
}

/** The ref the branch is compared with; undefined when none resolves or HEAD is that ref. */
export function branchBase(cwd: string, explicit: string | undefined, env?: NodeJS.ProcessEnv): { ref: string; commit: string } | undefined {
  const candidates = explicit ? [explicit] : [configGet(cwd, 'foureyes.base', env), symbolicOriginHead(cwd, env), 'origin/main', 'origin/master', 'main', 'master'];
  for (const ref of candidates) {
    if (!ref) continue;
    const id = revParse(cwd, `${ref}^{commit}`, env);
    if (id) return { ref, commit: id };
    if (explicit) throw new ReviewInputError(`base ${explicit} is not a commit`);
  }
  return undefined;
}

function symbolicOriginHead(cwd: string, env?: NodeJS.ProcessEnv): string | undefined {
  const r = gitRaw(['symbolic-ref', '-q', '--short', 'refs/remotes/origin/HEAD'], { cwd, env });
  return r.code === 0 ? r.stdout.toString('utf8').trim() || undefined : undefined;
}

function mtimeIso(root: string, p: string): string | undefined {
  try {
    return statSync(path.join(root, p)).mtime.toISOString();
  } catch {
    return undefined;
  }
}

function withSource(list: ReviewedFinding[], outcome: Pick<ReviewOutcome, 'findings'>, source: StatusFinding['source']): StatusFinding[] {
  return statusFindings({ ...outcome, findings: list } as ReviewOutcome).map((f) => ({ ...f, source }));
}

export async function buildStatus(cwd: string, env: NodeJS.ProcessEnv | undefined, opts: StatusOptions): Promise<{ report: StatusReport; input: ReviewInput; outcome: ReviewOutcome }> {
  const input = await stagedInput(cwd, env);
  const analysisCache = cacheDirFor(input);
  const review = { version: opts.version, cacheDir: analysisCache, now: opts.now, bindAll: true };
  const outcome = await runReview(input, opts.tools, review);
  const errors = [...outcome.errors];
  const info = [...outcome.info];
  const root = input.root;

  const findings: StatusFinding[] = withSource(outcome.findings, outcome, 'index').map((f) => ({ ...f, since: mtimeIso(root, f.path) }));
  const known = new Set(findings.map((f) => f.fingerprint));

  const wt = await worktreeFindings(input, outcome.policy, opts.tools, review);
  errors.push(...wt.errors);
  for (const f of withSource(wt.findings, outcome, 'working-tree')) {
    if (known.has(f.fingerprint)) continue;
    known.add(f.fingerprint);
    findings.push({ ...f, since: wt.mtimes.get(f.path)?.toISOString() });
  }

  const head = input.base !== EMPTY_TREE ? input.base : undefined;
  let base: StatusReport['base'];
  const branchCommits = new Set<string>();
  if (head) {
    const b = branchBase(root, opts.base, env);
    const mb = b ? gitRaw(['merge-base', b.commit, head], { cwd: root, env }) : undefined;
    const from = mb?.code === 0 ? mb.stdout.toString('utf8').trim() : undefined;
    if (b && from && from !== head) {
      base = { ref: b.ref, commit: from };
      const branchInput = rangeInput(root, from, head, env);
      for (const c of branchInput.commits) branchCommits.add(c.id);
      const branchOutcome = await runReview(branchInput, opts.tools, review);
      errors.push(...branchOutcome.errors.map((e) => `branch: ${e}`));
      for (const f of withSource(branchOutcome.findings, branchOutcome, 'branch')) {
        if (known.has(f.fingerprint)) continue;
        known.add(f.fingerprint);
        findings.push(f);
      }
    } else if (b) base = { ref: b.ref, commit: b.commit };
  }

  const historyCache = new CommitHistoryCache(path.join(input.commonDir, 'foureyes', 'cache', 'status-history.json'), opts.version);
  const commits = head ? recentCommits(root, head, opts.historyCommits ?? DEFAULT_HISTORY_COMMITS, env) : [];
  const { reviews } = await reviewHistory(root, commits, env, { tools: opts.tools, version: opts.version, analysisCacheDir: analysisCache, cache: historyCache });

  // A branch finding's age is the date of the commit that introduced it.
  const introduced = new Map<string, { id: string; date: string }>();
  for (const r of reviews) for (const f of r.findings) introduced.set(f.fingerprint, { id: r.id, date: r.date });
  for (const f of findings) {
    if (f.source !== 'branch') continue;
    const at = introduced.get(f.fingerprint);
    if (at) Object.assign(f, { since: at.date, commit: at.id });
  }

  const provenance = readProvenance(input.gitDir, input.commonDir);
  const history = historyBuckets(reviews, {
    by: opts.historyBy ?? 'week',
    count: opts.historyCount ?? (opts.historyBy === 'commit' ? 30 : DEFAULT_HISTORY_WEEKS),
    now: opts.now,
    aiOf: provenance ? (p, blob, line, end) => originOfBlobSpan(provenance, p, blob, line, end) : undefined,
  });
  const bypassed = bypassedCommits(reviews, branchCommits);
  const commitOf = recordCommits(root, env);
  const records = markStaleRecords(
    statusRecords(outcome).map((r) => (commitOf.has(r.path) ? { ...r, commit: commitOf.get(r.path) } : r)),
    findings,
  );
  const report: StatusReport = {
    version: 1,
    // What the hook would say about the staged change right now.
    blocked: outcome.errors.length > 0 || outcome.blocking.length > 0,
    errors,
    info,
    findings,
    records,
    ...(base ? { base } : {}),
    bypassed,
    history,
    summary: summarize(findings, records, bypassed),
  };
  return { report, input, outcome };
}
