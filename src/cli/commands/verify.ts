// `foureyes verify --range A..B | --base REV`: the CI gate over a commit range.
import { allRules } from '../../core/detectors/registry';
import { gitText, revParse } from '../../core/git';
import { toSarif } from '../../core/output/sarif';
import { analysisVersion, runReview, cacheDirFor } from '../../core/review/engine';
import { commitInput } from '../../core/review/inputs';
import { outcomeText, statusFindings, statusRecords } from '../../core/review/report';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { FULL_TOOLS, nowFrom, reviewRange, stateLabel } from '../review-run';
import { VERSION } from '../version';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'CI: every finding introduced in a commit range must be covered by valid approvals',
  usage: 'foureyes verify (--range A..B | --base REV [--head REV]) [--format text|json|sarif] [--allow-break-glass]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { range: { type: 'string' }, base: { type: 'string' }, head: { type: 'string' }, format: { type: 'string', short: 'f' }, 'allow-break-glass': { type: 'boolean' } });
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
    let from: string | undefined;
    let to: string;
    if (values.range) {
      const m = /^(.*?)\.\.(.+)$/.exec(values.range);
      if (!m || m[0].includes('...')) throw new UsageError('--range must be A..B');
      from = m[1] ? revParse(io.cwd, `${m[1]}^{commit}`, io.env) : undefined;
      if (m[1] && !from) throw new UsageError(`--range: unknown revision ${m[1]}`);
      const t = revParse(io.cwd, `${m[2]}^{commit}`, io.env);
      if (!t) throw new UsageError(`--range: unknown revision ${m[2]}`);
      to = t;
    } else if (values.base) {
      const t = revParse(io.cwd, `${values.head ?? 'HEAD'}^{commit}`, io.env);
      if (!t) throw new UsageError(`unknown revision ${values.head ?? 'HEAD'}`);
      to = t;
      if (!revParse(io.cwd, `${values.base}^{commit}`, io.env)) throw new UsageError(`--base: unknown revision ${values.base}`);
      from = gitText(['merge-base', values.base, to], { cwd: io.cwd, env: io.env }).trim();
    } else {
      throw new UsageError('verify needs --range A..B or --base REV');
    }
    const { input, outcome } = await reviewRange(io, from, to);
    const bypassed: Array<{ commit: string; subject: string; findings: number; errors: number }> = [];
    for (const c of input.commits) {
      if (c.parents.length > 1) continue;
      const ci = commitInput(io.cwd, c, io.env);
      const o = await runReview(ci, FULL_TOOLS, { version: analysisVersion(VERSION, io.env), cacheDir: cacheDirFor(ci), now: nowFrom(io) });
      // A commit whose own check would have blocked did not pass through the hook.
      if (o.blocking.length || o.errors.length) bypassed.push({ commit: c.id, subject: c.subject, findings: o.blocking.length, errors: o.errors.length });
    }
    const breakGlass = outcome.records.filter((r) => r.state === 'break-glass');
    // Break-glass lets a commit through the hook; it is not an approval, so CI stays red until a
    // senior's approval is committed, unless the workflow explicitly accepts break-glass.
    const unreviewed = outcome.findings.filter((r) => r.state === 'break-glass');
    const uncovered = outcome.errors.length > 0 || outcome.blocking.length > 0 || (unreviewed.length > 0 && !values['allow-break-glass']);
    if (format === 'sarif') {
      const shown = outcome.findings.filter((r) => r.state !== 'approved' && r.state !== 'not-required').map((r) => ({ ...r.finding, message: `${r.finding.message} [${stateLabel(r)}]` }));
      io.stdout(toSarif(shown, outcome.notes, allRules(), { toolVersion: VERSION }));
    } else if (format === 'json') {
      io.stdout(
        JSON.stringify(
          { version: 1, range: { from: from ?? null, to }, blocked: uncovered, errors: outcome.errors, info: outcome.info, findings: statusFindings(outcome), records: statusRecords(outcome), bypassedHook: bypassed },
          null,
          2,
        ) + '\n',
      );
    } else {
      const lines = [`foureyes verify ${from ? from.slice(0, 12) : '(root)'}..${to.slice(0, 12)}: ${input.commits.length} commit(s)`];
      lines.push(outcomeText(outcome, stateLabel, 'foureyes request --staged (on the branch), then commit the approval', { breakGlassBlocks: !values['allow-break-glass'] }).trimEnd());
      for (const b of breakGlass) {
        const r = b.record!;
        lines.push(`BREAK-GLASS: ${b.path} by ${r.author} at ${r.createdAt}: "${r.kind === 'break-glass' ? r.reason : ''}" (${r.findings.length} finding(s) unreviewed)`);
      }
      if (unreviewed.length && values['allow-break-glass']) lines.push(`${unreviewed.length} finding(s) let through by break-glass without review (accepted: --allow-break-glass)`);
      for (const b of bypassed) lines.push(`bypassed the hook: ${b.commit.slice(0, 12)} "${b.subject}" (${b.findings} unapproved finding(s)${b.errors ? `, ${b.errors} error(s)` : ''} when committed)`);
      io.stdout(lines.join('\n') + '\n');
    }
    return uncovered ? EXIT_FINDINGS : EXIT_OK;
  },
};
