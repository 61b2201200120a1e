// The pre-commit hook's entry (dist/hook.js): a small bundle that answers from the analysis cache
// when it can, and loads the full CLI (parsers, detectors) only when something must be analysed.
import * as path from 'node:path';
import { analysisVersion, cacheFileFor, NeedsFullAnalysis, runReview } from '../core/review/engine';
import { stagedInput } from '../core/review/inputs';
import { outcomeText } from '../core/review/report';
import type { ReviewedFinding } from '../core/review/policy';
import type { CliIO } from './io';
import { VERSION } from './version';

function label(r: ReviewedFinding): string {
  if (r.state === 'approved') return `approved by ${r.approvedBy.join(', ')}`;
  if (r.state === 'stale') return 'approval is stale (the flagged content changed since it was approved)';
  if (r.state === 'expired') return 'approval expired';
  if (r.state === 'break-glass') return 'let through by break-glass (unreviewed)';
  return r.required > 1 ? `needs ${r.required} distinct senior approvals` : 'needs senior review';
}

async function fullCli(argv: string[], io: CliIO): Promise<number> {
  const cliPath = path.join(__dirname, 'cli.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require(cliPath) as { main(a: string[], io: CliIO): Promise<number>; useBundledGrammars(): void };
  cli.useBundledGrammars();
  return cli.main(argv, io);
}

async function hookMain(argv: string[], io: CliIO): Promise<number> {
  if (argv[0] !== 'check' || !argv.includes('--staged') || argv.some((a) => a.startsWith('--format'))) return fullCli(argv, io);
  try {
    const now = io.env.FOUREYES_NOW && !Number.isNaN(Date.parse(io.env.FOUREYES_NOW)) ? new Date(io.env.FOUREYES_NOW) : new Date();
    const input = stagedInput(io.cwd, io.env);
    const outcome = await runReview(input, {}, { version: analysisVersion(VERSION, io.env), cacheFile: cacheFileFor(input), now });
    const blocked = outcome.errors.length > 0 || outcome.blocking.length > 0;
    (blocked ? io.stderr : io.stdout)(outcomeText(outcome, label, 'foureyes request --staged'));
    return blocked ? 1 : 0;
  } catch (err) {
    if (err instanceof NeedsFullAnalysis) return fullCli(argv, io);
    io.stderr(`foureyes: cannot check the staged change, so the commit is blocked (fail closed): ${(err as Error).message}\n`);
    return 1;
  }
}

const io: CliIO = {
  cwd: process.cwd(),
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: !!process.stdout.isTTY,
  stdin: process.stdin,
};
hookMain(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`foureyes: internal error in the hook, commit blocked: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
