// The pre-commit hook's entry (dist/hook.js): a small bundle that answers from the analysis cache
// when it can, and loads the full CLI (parsers, detectors) only when something must be analysed.
import * as path from 'node:path';
import { analysisVersion, cacheDirFor, NeedsFullAnalysis, runReview, type ReviewTools } from '../core/review/engine';
import { stagedInput } from '../core/review/inputs';
import { outcomeText } from '../core/review/report';
import type { ReviewedFinding } from '../core/review/policy';
import { mark, span, spanAsync } from '../core/trace';
import { processIO, type CliIO } from './io';
import { VERSION } from './version';

function label(r: ReviewedFinding): string {
  if (r.state === 'approved') return `approved by ${r.approvedBy.join(', ')}`;
  if (r.state === 'stale') return 'approval is stale (the flagged content changed since it was approved)';
  if (r.state === 'expired') return 'approval expired';
  if (r.state === 'break-glass') return 'let through by break-glass (unreviewed)';
  return r.required > 1 ? `needs ${r.required} distinct senior approvals` : 'needs senior review';
}

interface FullCli {
  main(a: string[], io: CliIO): Promise<number>;
  useBundledGrammars(): void;
  fullReviewTools: ReviewTools;
}

function loadCli(): FullCli {
  const cliPath = path.join(__dirname, 'cli.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = span('load cli.js', () => require(cliPath) as FullCli);
  cli.useBundledGrammars();
  return cli;
}

async function hookMain(argv: string[], io: CliIO): Promise<number> {
  if (argv[0] !== 'check' || !argv.includes('--staged') || argv.some((a) => a.startsWith('--format'))) return loadCli().main(argv, io);
  try {
    const now = io.env.FOUREYES_NOW && !Number.isNaN(Date.parse(io.env.FOUREYES_NOW)) ? new Date(io.env.FOUREYES_NOW) : new Date();
    const input = await spanAsync('staged input', () => stagedInput(io.cwd, io.env));
    const opts = { version: analysisVersion(VERSION, io.env), cacheDir: cacheDirFor(input), now };
    let outcome;
    try {
      outcome = await spanAsync('review (cache)', () => runReview(input, {}, opts));
    } catch (err) {
      if (!(err instanceof NeedsFullAnalysis)) throw err;
      // Something was never analysed: the same inputs go to the full analyser, no second git round.
      const tools = loadCli().fullReviewTools;
      outcome = await spanAsync('review (analysis)', () => runReview(input, tools, opts));
    }
    const blocked = outcome.errors.length > 0 || outcome.blocking.length > 0;
    (blocked ? io.stderr : io.stdout)(outcomeText(outcome, label, 'foureyes request --staged'));
    return blocked ? 1 : 0;
  } catch (err) {
    io.stderr(`foureyes: cannot check the staged change, so the commit is blocked (fail closed): ${(err as Error).message}\n`);
    return 1;
  }
}

mark('hook.js evaluated');
const io = processIO();
hookMain(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`foureyes: internal error in the hook, commit blocked: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
