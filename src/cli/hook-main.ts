// The pre-commit hook's entry (dist/hook.js): a small bundle that answers from the analysis cache
// when it can, and loads the full CLI (parsers, detectors) only when something must be analysed.
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { analysisVersion, cacheDirFor, NeedsFullAnalysis, runReview, STAGED_RULES_LABELS, uncachedChanges, type ReviewOptions, type ReviewOutcome, type ReviewTools } from '../core/review/engine';
import { stagedInput, type ReviewInput, type StagedListing } from '../core/review/inputs';
import { parsePrelisted, type PreListed } from '../core/review/prelisted';
import { outcomeText } from '../core/review/report';
import type { ReviewedFinding } from '../core/review/policy';
import { mark, span, spanAsync } from '../core/trace';
import { killServer, runtimeIdentity, serverOffReason, startServer, stopServer } from '../core/analysis-server-state';
import { serveAnalysis, type ServerAnalyser } from './analysis-server';
import { requireWithCodeCache, type CachedModule } from './code-cache';
import { newId, ServerSession, serverReviewTools, ServerUnavailable } from './server-client';
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
/** The server process writes no code cache: it runs under other V8 flags than the hook. */
let serving = false;
/** The connection to the repository's warm analysis server, opened once the cache probe misses. */
let server: ServerSession | undefined;
/** The head start on its way to the server: git's blob reader is spawned once it has left. */
let headStart: Promise<void> | undefined;

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
function prefetcher(version: string, io: CliIO, useServer: boolean): (listing: StagedListing) => string[] {
  return (listing) => {
    const missing = span('cache probe', () => uncachedChanges(listing, version));
    if (!missing.length) return [];
    const prepare = () => {
      try {
        void loadCli().fullReviewTools.prepare?.(missing.map((c) => c.path));
      } catch {
        // Loading again on the analysis path reports the error there.
      }
    };
    // With a server to ask, the analyser is loaded here only once connecting has failed.
    server = useServer ? ServerSession.open(listing.commonDir, io.cwd) : undefined;
    const runtime = server && listing.root ? runtimeIdentity(__dirname) : undefined;
    if (server && runtime) {
      // The server reads these blobs itself and starts analysing while git reads them for us.
      headStart = ServerSession.open(listing.commonDir, io.cwd)?.post({
        type: 'prepare',
        id: newId(),
        version,
        runtime,
        root: listing.root!,
        gitDir: listing.gitDir,
        rulesBlob: listing.targetRulesId,
        rulesLabel: STAGED_RULES_LABELS.target,
        changes: missing.map((c) => ({ path: c.path, before: c.oldBlob, after: c.newBlob })),
      });
    }
    // After this tick, so the blob names reach git before the event loop is busy loading.
    if (server) server.ready().catch(() => setImmediate(prepare));
    else setImmediate(prepare);
    // The server reads the blobs itself; should it fail, the analysis here asks git for them.
    return server ? [] : missing.flatMap((c) => [c.oldBlob, c.newBlob]);
  };
}

/** One small file per language the analyser reads, so warming compiles every lowerer's code. */
const WARM_SAMPLES: Record<string, string> = {
  'main.tf': 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })\n}\n',
  'deploy.yaml': 'apiVersion: v1\nkind: ConfigMap\ndata:\n  url: "https://api.example.com"\n',
  'bucket.tf':
    'resource "aws_s3_bucket" "b" {\n  bucket = "bucket-1"\n  tags = { env = "staging" }\n}\n\ndata "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["s3:GetObject"]\n    resources = ["arn:aws:s3:::bucket-1/*"]\n  }\n}\n',
  'deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/app:1.0\n',
  'config.ts': 'export const config = { url: "https://api.staging.example.com/v1", retries: 3 };\n',
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

/** Analyses a sample in every language, before and after sides, so their code is compiled. */
async function analyseSamples(analyser: ServerAnalyser): Promise<void> {
  const rules = analyser.resolve({}, '');
  for (const [file, text] of Object.entries(WARM_SAMPLES)) {
    try {
      await analyser.analyze({ path: `warm/${file}`, before: Buffer.from(text.replace(/example/g, 'example-before')), after: Buffer.from(text) }, rules);
    } catch {
      // Warming is an optimisation: a sample that fails only leaves its code uncached.
    }
  }
}

function fullAnalyser(): ServerAnalyser {
  const tools = loadCli().fullReviewTools;
  return { analyze: tools.analyze!, resolve: tools.resolve!, parseRules: tools.parseRules!, moduleReferences: tools.moduleReferences };
}

/**
 * `hook.js --warm-code-cache`, run by `hook install`: analyses the samples and writes the code
 * cache, so even the first commit after an install starts from compiled code. Exit 0 whether or
 * not the cache could be written.
 */
async function warmCodeCache(): Promise<number> {
  await analyseSamples(fullAnalyser());
  return 0;
}

/**
 * Rounds of samples a new server analyses before it listens, so V8 has optimised the hot code
 * (measured: per-file time settles after some 40 rounds); at most a few seconds of one core.
 */
const SERVER_WARM_ROUNDS = 40;
const SERVER_WARM_MS = 4_000;

/** A rules file of the usual shape, parsed while warming: the schema validator is hot code too. */
const WARM_RULES = JSON.stringify({
  seniors: [{ id: 'senior@example.com', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID7cNhjoj6uBCOxJJ09M3OdGmH3yVzOk4oKDhROakTCW senior' }],
  ignore: ['vendor/**'],
  review: { expiresAfterDays: 30 },
});

/** `hook.js --serve <git-common-dir>`: the warm analysis server (`analysis-server.ts`). */
function serve(commonDir: string | undefined, io: CliIO): Promise<number> {
  serving = true;
  if (!commonDir) return Promise.resolve(2);
  return serveAnalysis({
    commonDir: path.resolve(commonDir),
    runtimeDir: __dirname,
    version: analysisVersion(VERSION, io.env),
    env: io.env,
    load: fullAnalyser,
    warm: async (analyser) => {
      const asked = Number(io.env.FOUREYES_SERVER_WARM_ROUNDS);
      const rounds = io.env.FOUREYES_SERVER_WARM_ROUNDS && Number.isInteger(asked) && asked >= 0 ? asked : SERVER_WARM_ROUNDS;
      const end = Date.now() + SERVER_WARM_MS;
      for (let i = 0; i < rounds && Date.now() < end; i++) {
        try {
          analyser.parseRules(WARM_RULES, 'warm rules');
        } catch {
          // Only warming.
        }
        await analyseSamples(analyser);
      }
    },
  });
}

/**
 * The review with analysis handed to the server; undefined when the server could not give it
 * (then the caller analyses in process). A server that answered wrongly is stopped, one that
 * hangs is killed, so the next commit starts a fresh one.
 */
async function reviewViaServer(session: ServerSession, input: ReviewInput, opts: ReviewOptions, io: CliIO): Promise<ReviewOutcome | undefined> {
  const runtime = runtimeIdentity(__dirname);
  if (!runtime) return undefined;
  let first: ServerSession | undefined = session;
  const connect = () => {
    const s = first ?? ServerSession.open(input.commonDir, io.cwd);
    first = undefined;
    return s;
  };
  try {
    return await spanAsync('review (server)', () => runReview(input, serverReviewTools(connect, { version: opts.version, runtime, env: io.env }), opts));
  } catch (err) {
    mark(`server not used: ${(err as Error).message || (err as Error).constructor.name}`);
    if (err instanceof ServerUnavailable && err.action === 'kill') killServer(input.commonDir);
    if (err instanceof ServerUnavailable && err.action === 'replace') stopServer(input.commonDir);
    return undefined;
  } finally {
    session.close();
  }
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
  if (args[0] === '--serve') return serve(args[1], io);
  const prelisted = args.includes(LISTED_ON_STDIN) ? readPrelisted() : undefined;
  const argv = args.filter((a) => a !== LISTED_ON_STDIN);
  if (argv[0] !== 'check' || !argv.includes('--staged') || argv.some((a) => a.startsWith('--format'))) return loadCli().main(argv, io);
  try {
    const now = io.env.FOUREYES_NOW && !Number.isNaN(Date.parse(io.env.FOUREYES_NOW)) ? new Date(io.env.FOUREYES_NOW) : new Date();
    const version = analysisVersion(VERSION, io.env);
    const useServer = !serverOffReason(io.env);
    const input = await spanAsync('staged input', () => stagedInput(io.cwd, io.env, { prefetch: prefetcher(version, io, useServer), prelisted, holdReader: () => headStart }));
    const opts: ReviewOptions = { version, cacheDir: cacheDirFor(input), now };
    let outcome: ReviewOutcome | undefined;
    let analysedHere = false;
    try {
      // A server session is open only when the cache probe found misses: straight to the server.
      if (server) outcome = await reviewViaServer(server, input, opts, io);
      else outcome = await spanAsync('review (cache)', () => runReview(input, {}, opts));
    } catch (err) {
      if (!(err instanceof NeedsFullAnalysis)) throw err;
    }
    if (!outcome) {
      // Something was never analysed, and no server answered: the full analyser here, with the
      // same inputs and no second git round.
      analysedHere = true;
      const tools = loadCli().fullReviewTools;
      outcome = await spanAsync('review (analysis)', () => runReview(input, tools, opts));
    }
    server?.close();
    const blocked = outcome.errors.length > 0 || outcome.blocking.length > 0;
    (blocked ? io.stderr : io.stdout)(outcomeText(outcome, label, 'foureyes request --staged'));
    // Next time, content never seen before goes to a warm process (it exits after 30 idle minutes).
    if (analysedHere && useServer) span('start server', () => startServer(input.commonDir, __dirname, process.execPath, io.env));
    answered = true;
    return blocked ? 1 : 0;
  } catch (err) {
    io.stderr(`foureyes: cannot check the staged change, so the commit is blocked (fail closed): ${(err as Error).message}\n`);
    answered = true;
    return 1;
  }
}

/** Set once the staged check has printed its verdict: nothing the process still holds matters then. */
let answered = false;

/**
 * Ends the process once stdout and stderr have taken everything written. A natural exit tears the
 * whole V8 heap and the wasm memories down first, which costs a commit tens of milliseconds.
 */
function exitWhenFlushed(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

mark('hook.js evaluated');
const io = processIO();
hookMain(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    // After the answer is out: the cache then holds every function this run compiled.
    if (loaded && !serving) span('save code cache', () => loaded!.saveIfNeeded());
    if (answered) exitWhenFlushed(code);
  },
  (err: unknown) => {
    process.stderr.write(`foureyes: internal error in the hook, commit blocked: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
