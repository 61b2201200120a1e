// The pre-commit hook's entry (dist/hook.js): a small bundle that answers from the analysis cache
// when it can, and loads the full CLI (parsers, detectors) only when something must be analysed.
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { analysisVersion, cacheDirFor, NeedsFullAnalysis, runReview, uncachedChanges, type ReviewTools } from '../core/review/engine';
import { stagedInput, type StagedListing } from '../core/review/inputs';
import { parsePrelisted, type PreListed } from '../core/review/prelisted';
import { outcomeText } from '../core/review/report';
import type { ReviewedFinding } from '../core/review/policy';
import { mark, span, spanAsync } from '../core/trace';
import { requireWithCodeCache, type CachedModule } from './code-cache';
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

let loaded: CachedModule<FullCli> | undefined;

function loadCli(): FullCli {
  if (!loaded) {
    loaded = span('load cli.js', () => requireWithCodeCache<FullCli>(path.join(__dirname, 'cli.js')));
    mark(`code cache ${loaded.cacheAccepted ? 'accepted' : 'not used'}`);
    loaded.exports.useBundledGrammars();
  }
  return loaded.exports;
}

/**
 * Once git has listed the staged change: the blobs the cache cannot answer for are read in the
 * same `cat-file`, and while git reads them the analyser is loaded and its grammars compiled.
 */
function prefetcher(version: string): (listing: StagedListing) => string[] {
  return (listing) => {
    const missing = span('cache probe', () => uncachedChanges(listing, version));
    if (!missing.length) return [];
    // After this tick, so the blob names reach git before the event loop is busy loading.
    setImmediate(() => {
      try {
        void loadCli().fullReviewTools.prepare?.(missing.map((c) => c.path));
      } catch {
        // Loading again on the analysis path reports the error there.
      }
    });
    return missing.flatMap((c) => [c.oldBlob, c.newBlob]);
  };
}

/** One small file per language the analyser reads, so warming compiles every lowerer's code. */
const WARM_SAMPLES: Record<string, string> = {
  'main.tf': 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })\n}\n',
  'deploy.yaml': 'apiVersion: v1\nkind: ConfigMap\ndata:\n  url: "https://api.example.com"\n',
  'policy.json': '{ "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }] }\n',
  'stack.ts': 'export const url = "https://api.example.com";\nnew iam.PolicyStatement({ actions: ["s3:GetObject"], resources: ["*"] });\n',
  'app.js': 'const url = "https://api.example.com";\nmodule.exports = { url };\n',
  'app.py': 'URL = "https://api.example.com"\n',
  'main.go': 'package main\n\nconst url = "https://api.example.com"\n',
  'run.sh': '#!/bin/sh\ncurl https://api.example.com\n',
  'config.toml': '[server]\nurl = "https://api.example.com"\n',
  'app.properties': 'url=https://api.example.com\n',
  '.env': 'URL=https://api.example.com\n',
};

/**
 * `hook.js --warm-code-cache`, run by `hook install`: analyses a sample in every language (before
 * and after sides) and writes the code cache, so even the first commit after an install starts
 * from compiled code. Exit 0 whether or not the cache could be written.
 */
async function warmCodeCache(): Promise<number> {
  const tools = loadCli().fullReviewTools;
  const rules = tools.resolve!({}, '');
  for (const [file, text] of Object.entries(WARM_SAMPLES)) {
    try {
      await tools.analyze!({ path: `warm/${file}`, before: Buffer.from(text.replace(/example/g, 'example-before')), after: Buffer.from(text) }, rules);
    } catch {
      // Warming is an optimisation: a sample that fails only leaves its code uncached.
    }
  }
  return 0;
}

const LISTED_ON_STDIN = '--listed-on-stdin';

/** The runner's git listing (see `core/review/prelisted.ts`); anything unreadable means asking git again. */
function readPrelisted(): PreListed | undefined {
  try {
    return span('read listing', () => parsePrelisted(readFileSync(0)));
  } catch {
    return undefined;
  }
}

async function hookMain(args: string[], io: CliIO): Promise<number> {
  if (args[0] === '--warm-code-cache') return warmCodeCache();
  const prelisted = args.includes(LISTED_ON_STDIN) ? readPrelisted() : undefined;
  const argv = args.filter((a) => a !== LISTED_ON_STDIN);
  if (argv[0] !== 'check' || !argv.includes('--staged') || argv.some((a) => a.startsWith('--format'))) return loadCli().main(argv, io);
  try {
    const now = io.env.FOUREYES_NOW && !Number.isNaN(Date.parse(io.env.FOUREYES_NOW)) ? new Date(io.env.FOUREYES_NOW) : new Date();
    const version = analysisVersion(VERSION, io.env);
    const input = await spanAsync('staged input', () => stagedInput(io.cwd, io.env, { prefetch: prefetcher(version), prelisted }));
    const opts = { version, cacheDir: cacheDirFor(input), now };
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
    // After the answer is out: the cache then holds every function this run compiled.
    if (loaded) span('save code cache', () => loaded!.saveIfNeeded());
  },
  (err: unknown) => {
    process.stderr.write(`foureyes: internal error in the hook, commit blocked: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
