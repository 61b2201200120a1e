// `foureyes break-glass --reason "..."`: the recorded, unsigned emergency bypass.
import { findingRef, makeBreakGlass, writeRecord } from '../../core/review/approve';
import { EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { nowFrom, reviewStaged } from '../review-run';

export const breakGlassCommand: Command = {
  name: 'break-glass',
  summary: 'let an emergency change through unreviewed, with a recorded reason that CI and the panel report',
  usage: 'foureyes break-glass --reason "why review cannot wait"',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { reason: { type: 'string' } });
    if (!values.reason?.trim()) throw new UsageError('break-glass needs --reason "..."');
    const { input, outcome } = await reviewStaged(io);
    if (outcome.errors.length) throw new UsageError(`break-glass covers findings, not an undecidable state: ${outcome.errors[0]}`);
    const pending = outcome.blocking;
    if (!pending.length) {
      io.stdout('foureyes: nothing is blocked; no break-glass record written\n');
      return EXIT_OK;
    }
    const record = makeBreakGlass(input.author, values.reason, pending.map((r) => findingRef(r.finding)), nowFrom(io));
    const file = writeRecord(input.root, record, io.env);
    io.stderr(`foureyes: BREAK-GLASS recorded for ${pending.length} unreviewed finding(s) in ${file} (staged); CI and the review panel will report it\n`);
    return EXIT_OK;
  },
};
