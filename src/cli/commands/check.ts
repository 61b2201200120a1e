// `foureyes check --staged`: what the pre-commit hook runs.
import { NeedsFullAnalysis } from '../../core/review/engine';
import { outcomeText, statusFindings, statusRecords } from '../../core/review/report';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { reviewStaged, stateLabel } from '../review-run';

export const checkCommand: Command = {
  name: 'check',
  summary: 'check the staged change: block (exit 1) when a finding lacks a valid senior approval',
  usage: 'foureyes check --staged [--format text|json]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { staged: { type: 'boolean' }, format: { type: 'string', short: 'f' }, hook: { type: 'boolean' } });
    if (!values.staged) throw new UsageError('check needs --staged (for commit ranges use `foureyes verify`)');
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
    let result;
    try {
      result = await reviewStaged(io);
    } catch (err) {
      if (err instanceof NeedsFullAnalysis) throw err;
      io.stderr(`foureyes: cannot check the staged change, so the commit is blocked (fail closed): ${(err as Error).message}\n`);
      return EXIT_FINDINGS;
    }
    const { outcome } = result;
    const blocked = outcome.errors.length > 0 || outcome.blocking.length > 0;
    if (format === 'json') {
      io.stdout(JSON.stringify({ version: 1, blocked, errors: outcome.errors, info: outcome.info, findings: statusFindings(outcome), records: statusRecords(outcome) }, null, 2) + '\n');
    } else {
      (blocked ? io.stderr : io.stdout)(outcomeText(outcome, stateLabel, 'foureyes request --staged'));
    }
    return blocked ? EXIT_FINDINGS : EXIT_OK;
  },
};
