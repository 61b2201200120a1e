// `foureyes approve --staged --note "..."`: a senior at this machine signs the staged findings.
import { findingRef, seniorForKey, signApproval, writeRecord } from '../../core/review/approve';
import { resolveSigningKey } from '../../core/review/sign';
import { EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { nowFrom, repositoryRoots, reviewStaged } from '../review-run';

export const approveCommand: Command = {
  name: 'approve',
  summary: 'sign an approval of the staged findings with your SSH key (seniors)',
  usage: 'foureyes approve --staged --note "why it is acceptable" [--key PATH] [--expires-days N]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { staged: { type: 'boolean' }, note: { type: 'string' }, key: { type: 'string' }, 'expires-days': { type: 'string' } });
    if (!values.staged) throw new UsageError('approve needs --staged (to approve a request from elsewhere use `foureyes review`)');
    if (!values.note?.trim()) throw new UsageError('approve needs --note "why the change is acceptable"');
    const days = values['expires-days'] === undefined ? undefined : Number(values['expires-days']);
    if (days !== undefined && !(Number.isInteger(days) && days > 0)) throw new UsageError('--expires-days must be a positive whole number');
    const { input, outcome } = await reviewStaged(io);
    if (outcome.errors.length) throw new UsageError(`cannot approve while the check cannot decide: ${outcome.errors[0]}`);
    const pending = outcome.findings.filter((r) => r.required > 0 && r.state !== 'approved');
    if (!pending.length) {
      io.stdout('foureyes: nothing to approve: no staged finding needs review\n');
      return EXIT_OK;
    }
    const key = resolveSigningKey(input.root, values.key, io.env);
    try {
      const senior = seniorForKey(outcome.policy, key);
      const author = input.authorsOf('')[0] ?? '';
      const roots = repositoryRoots(input);
      const record = signApproval({ senior, roots, author, note: values.note, findings: pending.map((r) => findingRef(r.finding)), now: nowFrom(io), expiresAfterDays: days }, key, io.env, outcome.policy);
      const file = writeRecord(input.root, record, io.env);
      io.stdout(`foureyes: ${senior.id} approved ${pending.length} finding(s); wrote and staged ${file}\n`);
      return EXIT_OK;
    } finally {
      key.cleanup();
    }
  },
};
