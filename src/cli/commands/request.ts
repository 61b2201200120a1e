// `foureyes request [--staged]`: a review request to paste into chat or a PR description.
import { buildRequest, encodeRequest, requestMarkdown } from '../../core/review/request';
import { EXIT_OK, UsageError, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { nowFrom, repositoryRoots, reviewStaged } from '../review-run';

export const requestCommand: Command = {
  name: 'request',
  summary: 'print a review request (Markdown and a token) for the staged findings that need review',
  usage: 'foureyes request [--staged] [--format markdown|token|json]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, { staged: { type: 'boolean' }, format: { type: 'string', short: 'f' } });
    const format = values.format ?? 'markdown';
    if (!['markdown', 'token', 'json'].includes(format)) throw new UsageError(`--format must be markdown, token or json, not '${format}'`);
    const { input, outcome } = await reviewStaged(io);
    if (outcome.errors.length) throw new UsageError(`cannot build a request while the check cannot decide: ${outcome.errors[0]}`);
    const pending = outcome.findings.filter((r) => r.required > 0 && r.state !== 'approved');
    if (!pending.length) {
      io.stderr('foureyes: no staged finding needs review\n');
      return EXIT_OK;
    }
    const req = buildRequest(input.authorsOf('')[0] ?? '', input.base, repositoryRoots(input), pending, nowFrom(io));
    if (format === 'token') io.stdout(encodeRequest(req) + '\n');
    else if (format === 'json') io.stdout(JSON.stringify(req, null, 2) + '\n');
    else io.stdout(requestMarkdown(req));
    return EXIT_OK;
  },
};
