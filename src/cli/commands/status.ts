// `foureyes status [--format json]`: staged findings with their review state, and the history of
// review records in the repository. The JSON is what the review-status panel shows.
import { gitRaw } from '../../core/git';
import { APPROVALS_DIR } from '../../core/review/record';
import { statusFindings, statusRecords, type StatusReport } from '../../core/review/report';
import { EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { reviewStaged, stateLabel } from '../review-run';

/** When and by whom each record file was first committed. */
function recordCommits(cwd: string, env: NodeJS.ProcessEnv): Map<string, { id: string; author: string; date: string }> {
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

export const statusCommand: Command = {
  name: 'status',
  summary: 'staged findings with their review state, and the review records in the repository',
  usage: 'foureyes status [--format text|json]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { format: { type: 'string', short: 'f' } });
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
    const { input, outcome } = await reviewStaged(io);
    const commits = recordCommits(input.root, io.env);
    const report: StatusReport = {
      version: 1,
      blocked: outcome.errors.length > 0 || outcome.blocking.length > 0,
      errors: outcome.errors,
      info: outcome.info,
      findings: statusFindings(outcome),
      records: statusRecords(outcome).map((r) => (commits.has(r.path) ? { ...r, commit: commits.get(r.path) } : r)),
    };
    if (format === 'json') {
      io.stdout(JSON.stringify(report, null, 2) + '\n');
      return EXIT_OK;
    }
    const lines: string[] = [];
    lines.push(report.findings.length ? 'Staged findings:' : 'Staged findings: none');
    for (const r of outcome.findings) lines.push(`  ${r.finding.path}:${r.finding.range.startLine}  ${r.finding.ruleId} (${r.finding.severity})  ${stateLabel(r)}`);
    for (const e of report.errors) lines.push(`  error: ${e}`);
    lines.push(report.records.length ? 'Review records:' : 'Review records: none');
    for (const r of report.records) {
      const who = r.kind === 'break-glass' ? `BREAK-GLASS by ${r.author}` : `${r.reviewer ?? '?'} approved ${r.author ?? '?'}'s change`;
      lines.push(`  ${r.createdAt ?? '?'}  ${who}  [${r.state}]  ${r.findings.length} finding(s)${r.commit ? `  commit ${r.commit.id.slice(0, 12)}` : '  (not committed)'}${r.problems.length ? `  (${r.problems.join('; ')})` : ''}`);
    }
    for (const i of report.info) lines.push(`note: ${i}`);
    io.stdout(lines.join('\n') + '\n');
    return EXIT_OK;
  },
};
