// `foureyes import TOKEN`: verify an approval token from a senior and write the approval file.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeRecord } from '../../core/review/approve';
import { analysisVersion, runReview, cacheDirFor } from '../../core/review/engine';
import { stagedInput } from '../../core/review/inputs';
import { bindingProblem, checkRecord } from '../../core/review/policy';
import { approvalFileName, decodeApprovalToken, formatRecordFile } from '../../core/review/record';
import { EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { FULL_TOOLS, nowFrom } from '../review-run';
import { VERSION } from '../version';

export const importCommand: Command = {
  name: 'import',
  summary: 'verify an approval token from a senior and write (and stage) the approval file',
  usage: 'foureyes import TOKEN|FILE|-',
  async run(args, io) {
    const { positionals } = parseCommandArgs(args, {});
    if (positionals.length !== 1) throw new UsageError('import needs one approval token (or a file holding it, or - for stdin)');
    const arg = positionals[0];
    const text = arg === '-' ? readFileSync(0, 'utf8') : existsSync(path.resolve(io.cwd, arg)) ? readFileSync(path.resolve(io.cwd, arg), 'utf8') : arg;
    let record;
    try {
      record = decodeApprovalToken(text.trim());
    } catch (err) {
      throw new UsageError(`approval token refused: ${(err as Error).message}`);
    }
    const input = await stagedInput(io.cwd, io.env);
    const outcome = await runReview(input, FULL_TOOLS, { version: analysisVersion(VERSION, io.env), cacheDir: cacheDirFor(input), now: nowFrom(io) });
    const check = checkRecord({ path: approvalFileName(record.id), mode: '100644', text: formatRecordFile(record) }, outcome.policy, nowFrom(io));
    if (check.status.state !== 'valid') throw new UsageError(`approval token refused: ${check.status.problems.join('; ')}`);
    const wrongRepo = bindingProblem(record, approvalFileName(record.id), input.repository);
    if (wrongRepo) throw new UsageError(`approval token refused: ${wrongRepo}`);
    const file = writeRecord(input.root, record, io.env);
    const listed = new Set(record.findings.map((f) => f.fingerprint));
    const matched = outcome.findings.filter((r) => listed.has(r.finding.fingerprint)).length;
    io.stdout(`foureyes: approval by ${record.reviewer} verified; wrote and staged ${file} (covers ${matched} of the currently staged finding(s))\n`);
    if (!matched) io.stderr('foureyes: warning: the approval lists none of the findings staged now (content changed since the request?)\n');
    return EXIT_OK;
  },
};
