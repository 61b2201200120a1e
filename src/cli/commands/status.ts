// `foureyes status [--format json]`: findings in the working tree, the index and the branch with
// their review state, the review records in the repository, commits that bypassed the hook, and
// findings per category over time. The JSON is exactly what the review-status panel shows.
import { buildStatus, DEFAULT_HISTORY_COMMITS } from '../../core/status-build';
import { EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { FULL_TOOLS, nowFrom } from '../review-run';
import { analysisVersion } from '../../core/review/engine';
import { VERSION } from '../version';

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} must be a positive whole number, not '${v}'`);
  return Number(v);
}

const STATE_TEXT: Record<string, string> = {
  required: 'needs review',
  stale: 'approval stale',
  expired: 'approval expired',
  approved: 'approved',
  'break-glass': 'break-glass',
  'not-required': 'below threshold',
};

export const statusCommand: Command = {
  name: 'status',
  summary: 'findings waiting for review, approvals, bypassed commits and history (the panel data)',
  usage: 'foureyes status [--format text|json] [--base REF] [--history-commits N] [--weeks N | --commits N]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      format: { type: 'string', short: 'f' },
      base: { type: 'string' },
      'history-commits': { type: 'string' },
      weeks: { type: 'string' },
      commits: { type: 'string' },
    });
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
    if (values.weeks && values.commits) throw new UsageError('give --weeks or --commits, not both');
    const commits = positive('commits', values.commits);
    const { report } = await buildStatus(io.cwd, io.env, {
      tools: FULL_TOOLS,
      version: analysisVersion(VERSION, io.env),
      now: nowFrom(io),
      base: values.base,
      historyCommits: positive('history-commits', values['history-commits']) ?? Math.max(DEFAULT_HISTORY_COMMITS, commits ?? 0),
      historyBy: commits ? 'commit' : 'week',
      historyCount: commits ?? positive('weeks', values.weeks),
    });
    if (format === 'json') {
      io.stdout(JSON.stringify(report, null, 2) + '\n');
      return EXIT_OK;
    }
    const lines: string[] = [];
    const s = report.summary!;
    lines.push(`Findings: ${report.findings.length} (${Object.entries(s.byState).map(([k, n]) => `${n} ${STATE_TEXT[k] ?? k}`).join(', ') || 'none'})`);
    if (s.risky) lines.push(`AI-origin: ${s.riskyAiOrigin} of ${s.risky} finding(s) that need review`);
    for (const f of report.findings) {
      const ai = f.aiOrigin && f.aiOrigin !== 'unknown' ? ` [AI: ${f.aiOrigin}]` : '';
      lines.push(`  ${f.source ?? 'index'}  ${f.path}:${f.line}  ${f.ruleId} (${f.severity})${ai}  ${STATE_TEXT[f.state] ?? f.state}${f.approvedBy.length ? ` by ${f.approvedBy.join(', ')}` : ''}`);
    }
    for (const e of report.errors) lines.push(`  error: ${e}`);
    lines.push(report.records.length ? 'Review records:' : 'Review records: none');
    for (const r of report.records) {
      const who = r.kind === 'break-glass' ? `BREAK-GLASS by ${r.author}` : `${r.reviewer ?? '?'} approved ${r.author ?? '?'}'s change`;
      const stale = r.staleFingerprints?.length ? `  stale: ${r.staleFingerprints.length} finding(s) changed since` : '';
      lines.push(`  ${r.createdAt ?? '?'}  ${who}  [${r.state}]  ${r.findings.length} finding(s)${r.commit ? `  commit ${r.commit.id.slice(0, 12)}` : '  (not committed)'}${stale}${r.problems.length ? `  (${r.problems.join('; ')})` : ''}`);
    }
    for (const b of report.bypassed ?? []) lines.push(`bypassed the hook: ${b.commit.slice(0, 12)} "${b.subject}" by ${b.author} (${b.findings} unapproved finding(s)${b.errors ? `, ${b.errors} error(s)` : ''})`);
    const h = report.history!;
    lines.push(`History (${h.commitsScanned} commit(s), by ${h.by}): ${h.buckets.map((b) => b.total).join(' ')}`);
    for (const i of report.info) lines.push(`note: ${i}`);
    io.stdout(lines.join('\n') + '\n');
    return EXIT_OK;
  },
};
