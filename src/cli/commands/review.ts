// `foureyes review REQUEST`: on the senior's machine, show a request and sign an approval token.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { seniorForKey, signApproval } from '../../core/review/approve';
import { encodeApprovalToken } from '../../core/review/record';
import { decodeRequest, repositoryLabel, requestMarkdown } from '../../core/review/request';
import { RootsError, rootCommits } from '../../core/review/roots';
import { resolveSigningKey } from '../../core/review/sign';
import { parseRules, RULES_FILE, type RulesConfig } from '../../core/rules';
import { gitRaw, gitText, revParse } from '../../core/git';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type CliIO, type Command } from '../io';
import { parseCommandArgs } from '../options';
import { nowFrom } from '../review-run';

async function readLine(io: CliIO): Promise<string> {
  const stdin = io.stdin;
  if (!stdin) return '';
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer | string) => {
      buf += d.toString();
      if (buf.includes('\n')) done();
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.off('end', done);
      stdin.pause?.();
      resolve(buf.split('\n')[0].trim());
    };
    stdin.on('data', onData);
    stdin.on('end', done);
    stdin.resume?.();
  });
}

/** The rules the senior's clone holds at HEAD (the committed policy), or --rules. */
function seniorRules(io: CliIO, rulesArg: string | undefined): RulesConfig {
  if (rulesArg) return parseRules(readFileSync(path.resolve(io.cwd, rulesArg), 'utf8'), rulesArg);
  const r = gitRaw(['show', `HEAD:${RULES_FILE}`], { cwd: io.cwd, env: io.env });
  if (r.code !== 0) throw new UsageError(`no committed ${RULES_FILE} at HEAD here; run review in a clone of the repository, or pass --rules FILE`);
  return parseRules(r.stdout.toString('utf8'), `${RULES_FILE} at HEAD`);
}

/**
 * The senior signs in a clone of the repository (whose rules they read): a request that names
 * another repository is refused, so nobody can get an approval for one repository by presenting
 * it as another. Before the first commit there is nothing to compare with.
 */
function sameRepository(io: CliIO, requested: string[]): void {
  if (!requested.length) return;
  const head = revParse(io.cwd, 'HEAD^{commit}', io.env);
  if (!head) return;
  let here: string[];
  try {
    const common = gitText(['rev-parse', '--git-common-dir'], { cwd: io.cwd, env: io.env }).trim();
    here = rootCommits(io.cwd, path.resolve(io.cwd, common), head, io.env);
  } catch (err) {
    if (err instanceof RootsError) throw new UsageError(err.message);
    throw err;
  }
  const missing = requested.filter((r) => !here.includes(r));
  if (missing.length) {
    throw new UsageError(
      `the request is for another repository (${repositoryLabel(requested)}) than the clone you run review in (${repositoryLabel(here)}); run it in a clone of that repository, or pass --rules FILE`,
    );
  }
}

export const reviewCommand: Command = {
  name: 'review',
  summary: 'show a review request (file or token) and, on confirmation, sign it and print an approval token',
  usage: 'foureyes review REQUEST --note "why" [--key PATH] [--yes] [--rules FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { note: { type: 'string' }, key: { type: 'string' }, yes: { type: 'boolean', short: 'y' }, rules: { type: 'string' }, 'expires-days': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('review needs one REQUEST: a file, a token, or - for stdin');
    const arg = positionals[0];
    const text = arg === '-' ? readFileSync(0, 'utf8') : existsSync(path.resolve(io.cwd, arg)) ? readFileSync(path.resolve(io.cwd, arg), 'utf8') : arg;
    let req;
    try {
      req = decodeRequest(text);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    io.stderr(requestMarkdown(req));
    if (!values.note?.trim()) throw new UsageError('review needs --note "why the change is acceptable"');
    const policy = seniorRules(io, values.rules);
    if (!values.rules) sameRepository(io, req.roots);
    const key = resolveSigningKey(stagedInputRoot(io), values.key, io.env);
    try {
      const senior = seniorForKey(policy, key);
      if (!values.yes) {
        io.stderr(`Approve these ${req.findings.length} finding(s) as ${senior.id}, for the repository ${repositoryLabel(req.roots)}? [y/N] `);
        const answer = await readLine(io);
        if (!/^y(es)?$/i.test(answer)) {
          io.stderr('foureyes: not approved\n');
          return EXIT_FINDINGS;
        }
      }
      const days = values['expires-days'] === undefined ? undefined : Number(values['expires-days']);
      const record = signApproval(
        { senior, roots: req.roots, author: req.author, note: values.note, findings: req.findings.map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, path: f.path, summary: f.summary.slice(0, 2000) })), now: nowFrom(io), expiresAfterDays: days },
        key,
        io.env,
        policy,
      );
      io.stdout(encodeApprovalToken(record) + '\n');
      io.stderr(`foureyes: signed as ${senior.id} for the repository ${repositoryLabel(req.roots)}\n`);
      io.stderr('foureyes: send the token above to the developer; they run `foureyes import TOKEN`\n');
      return EXIT_OK;
    } finally {
      key.cleanup();
    }
  },
};

function stagedInputRoot(io: CliIO): string {
  try {
    return gitText(['rev-parse', '--show-toplevel'], { cwd: io.cwd, env: io.env }).replace(/\n$/, '');
  } catch {
    return io.cwd;
  }
}
