// The warm analysis server (`hook.js --serve <git-common-dir>`): one per repository and runtime,
// started detached by the hook or `hook install`, holding the loaded analyser and compiled
// grammars so a commit of content never analysed before does not pay for a cold process. It
// only analyses; policy, approvals and the verdict stay in the hook. See docs/review.md.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { AnalysisResult } from '../core/analyze';
import type { ResolvedRules, RulesConfig } from '../core/rules';
import {
  ensurePrivateDir,
  pidAlive,
  readServerLock,
  runtimeIdentity,
  SERVER_SOCKET,
  serverDir,
  serverLockFile,
  serverOffByConfig,
  type ServerLock,
} from '../core/analysis-server-state';
import { AnalysisCache, type ParsedRules } from '../core/review/cache';
import { analysisKey, cacheDirFor, rulesParseKey, STAGED_RULES_LABELS, uncachedChanges } from '../core/review/engine';
import { RULES_FILE } from '../core/rules-file';
import { spanAsync } from '../core/trace';
import { BatchReader } from './batch-reader';
import { frame, FrameReader, type AnalyzeBlobsRequest, type PrepareRequest, type ServerRequest, type ServerResponse } from './server-protocol';
import { STAGED_SETTLE_MS, StagedWatcher, type StagedState } from './staged-watcher';

export interface ServerAnalyser {
  analyze(change: { path: string; before: Buffer | null; after: Buffer }, rules: ResolvedRules): Promise<AnalysisResult>;
  resolve(config: RulesConfig, source: string): ResolvedRules;
  parseRules(text: string, which: string): RulesConfig;
  /** As `ReviewTools.moduleReferences`: a change that reads other files is not analysed here. */
  moduleReferences?(path: string, texts: readonly string[]): unknown;
}

export interface ServeOptions {
  commonDir: string;
  runtimeDir: string;
  /** `analysisVersion` this process analyses for. */
  version: string;
  env: NodeJS.ProcessEnv;
  /** Loads the analyser (the full CLI bundle). */
  load(): ServerAnalyser;
  /** Runs the analyser over samples so the first request meets compiled, optimised code. */
  warm(analyser: ServerAnalyser): Promise<void>;
}

/**
 * A developer's commits are often more than a few minutes apart, and the first commit after the
 * server left pays the cold process (~3x `node -e 0` for 20 files); staging counts as activity.
 */
const IDLE_MS = 30 * 60_000;
const CHECK_MS = 2_000;
/** Git's configuration is asked once per this many checks (one git process). */
const CONFIG_EVERY = 8;
/** Restarting now and then keeps memory bounded whatever the analyser retains. */
const MAX_REQUESTS = 2_000;
const MAX_HEAP_BYTES = 768 * 1024 * 1024;
const LOCK_WAIT_MS = 3_000;
/** Larger change sets get no head start (the analysis request alone is bounded in time). */
const MAX_PREPARE_FILES = 300;
const MAX_KEPT = 2_000;
const STORE_DELAY_MS = 100;

/** A change the head start analysed, with its result. */
interface Prepared {
  change: PrepareRequest['changes'][number];
  result: AnalysisResult;
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** What a kept head-start result is filed under: exactly these rules, this path and these blobs (ids are hashes of the bytes). */
function keptKey(rulesKey: string, filePath: string, before: string, after: string): string {
  return sha([rulesKey, filePath, before, after].join('\0'));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function envMs(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * Takes the lock file (created exclusively). A live server of the same version and runtime keeps
 * it and this one leaves; a live one of another version is given a moment to exit (it does after
 * answering "mismatch"); a lock of a dead process is removed.
 */
async function takeLock(commonDir: string, me: ServerLock): Promise<boolean> {
  const file = serverLockFile(commonDir);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
    const held = readServerLock(commonDir);
    if (held && pidAlive(held.pid)) {
      if ((held.version === me.version && held.runtime === me.runtime) || Date.now() > deadline) return false;
      await sleep(50);
      continue;
    }
    if (!held && Date.now() < deadline) {
      // Unreadable: possibly being written by a server starting right now; look again shortly.
      await sleep(50);
      if (readServerLock(commonDir)) continue;
    }
    rmSync(file, { force: true });
  }
  return false;
}

export async function serveAnalysis(opts: ServeOptions): Promise<number> {
  const { commonDir, runtimeDir, env } = opts;
  const dir = serverDir(commonDir);
  const lockFile = serverLockFile(commonDir);
  const runtime = runtimeIdentity(runtimeDir);
  if (!runtime) return 0;
  const version = env.FOUREYES_SERVER_TEST_VERSION || opts.version;
  ensurePrivateDir(dir);
  if (serverOffByConfig(commonDir, env)) return 0;
  if (!(await takeLock(commonDir, { pid: process.pid, version, runtime, started: Date.now() }))) return 0;
  const ownsLock = () => readServerLock(commonDir)?.pid === process.pid;
  // Bound relative to the server directory: socket paths are limited to about 100 bytes.
  process.chdir(dir);

  let server: net.Server | undefined;
  let blobs: BatchReader | undefined;
  let watcher: StagedWatcher | undefined;
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];
  const stop = (code = 0): void => {
    if (stopping) return;
    stopping = true;
    for (const t of timers) clearTimeout(t);
    blobs?.stop();
    watcher?.close();
    // Only the lock's owner removes the socket: closing a bound socket unlinks its path, which
    // by now may be another server's.
    if (!ownsLock()) process.exit(code);
    rmSync(lockFile, { force: true });
    if (!server) process.exit(code);
    server.close(() => process.exit(code));
    setTimeout(() => process.exit(code), 1_000).unref();
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => stop(0));
  process.on('uncaughtException', () => stop(1));
  process.on('unhandledRejection', () => stop(1));

  let analyser: ServerAnalyser;
  try {
    analyser = opts.load();
    await opts.warm(analyser);
  } catch {
    rmSync(lockFile, { force: true });
    return 1;
  }
  if (!ownsLock()) return 0;

  const idleMs = envMs(env.FOUREYES_SERVER_IDLE_MS, IDLE_MS);
  const sleepMs = envMs(env.FOUREYES_SERVER_TEST_SLEEP_MS, 0);
  const testReply = env.FOUREYES_SERVER_TEST_REPLY;
  let idle: NodeJS.Timeout | undefined;
  const touch = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => stop(0), idleMs);
    timers[0] = idle;
  };
  let served = 0;
  let queue = Promise.resolve();
  let lastRules: { key: string; resolved: ResolvedRules } | undefined;
  const resolvedFor = (config: RulesConfig, source: string): { key: string; resolved: ResolvedRules } => {
    const key = JSON.stringify([config, source]);
    if (lastRules?.key !== key) lastRules = { key, resolved: analyser.resolve(config, source) };
    return lastRules;
  };
  const kept = new Map<string, AnalysisResult>();
  let preparing: Promise<number> | undefined;
  // The engine gives such a change the other files it reads, which a request does not carry.
  const readsOthers = (filePath: string, before: Buffer | null, after: Buffer) => !!analyser.moduleReferences?.(filePath, [after, ...(before ? [before] : [])].map((b) => b.toString('utf8')));
  blobs = new BatchReader(dir, { ...env, GIT_DIR: commonDir }, path.join(commonDir, 'objects'));
  const reader = blobs;
  const parseMemo = new Map<string, ParsedRules>();
  const parse = (text: string, which: string): ParsedRules => {
    const key = JSON.stringify([text, which]);
    let parsed = parseMemo.get(key);
    if (!parsed) {
      try {
        parsed = { config: analyser.parseRules(text, which) };
      } catch (err) {
        parsed = { error: (err as Error).message };
      }
      if (parseMemo.size > 50) parseMemo.clear();
      parseMemo.set(key, parsed);
    }
    return parsed;
  };

  /**
   * The head start (see `PrepareRequest`): mirrors what the engine will ask for, bytes read from
   * git. Returns each change's analysis (kept for the `analyze-blobs` that follows) and whether
   * the rules file parsed, so the result is exactly what the engine would compute.
   */
  const prepare = async (req: Pick<PrepareRequest, 'root' | 'rulesBlob' | 'rulesLabel' | 'changes'>): Promise<{ rulesOk: boolean; done: Prepared[] }> => {
    const done: Prepared[] = [];
    if (req.changes.length > MAX_PREPARE_FILES) return { rulesOk: false, done };
    let config: RulesConfig = {};
    let rulesOk = true;
    const wanted = req.changes.filter((c) => /^[0-9a-f]{40,64}$/.test(c.after));
    const ids = [...(req.rulesBlob ? [req.rulesBlob] : []), ...wanted.flatMap((c) => [c.before, c.after])].filter((id) => /^[0-9a-f]{40,64}$/.test(id));
    const objects = await spanAsync('server: read blobs', () => reader.read(ids));
    if (req.rulesBlob) {
      const text = objects.get(req.rulesBlob)?.toString('utf8');
      if (text === undefined) return { rulesOk: false, done };
      const parsed = parse(text.replace(/^\uFEFF/, ''), req.rulesLabel);
      if ('config' in parsed) config = parsed.config;
      else rulesOk = false;
    }
    const rules = resolvedFor(config, req.rulesBlob ? path.join(req.root, RULES_FILE) : '');
    if (kept.size > MAX_KEPT) kept.clear();
    for (const c of wanted) {
      const key = keptKey(rules.key, c.path, c.before, c.after);
      const ready = kept.get(key);
      if (ready) {
        done.push({ change: c, result: ready });
        continue;
      }
      const after = objects.get(c.after);
      if (!after) continue;
      const before = c.before ? (objects.get(c.before) ?? null) : null;
      if (readsOthers(c.path, before, after)) continue;
      const result = await spanAsync(`server: analyse ${c.path}`, () => analyser.analyze({ path: c.path, before, after }, rules.resolved));
      kept.set(key, result);
      done.push({ change: c, result });
    }
    return { rulesOk, done };
  };

  /**
   * A working tree's index changed (`git add`): what the hook will find uncached is analysed now,
   * in turn with requests, and filed in the analysis cache under the engine's own keys. Staging
   * new content counts as activity (the commit is coming).
   */
  const analyseStaged = async (state: StagedState): Promise<void> => {
    const cache = new AnalysisCache(cacheDirFor({ commonDir }));
    const rulesFiles: Array<{ id: string; which: string }> = [];
    if (state.baseRulesId) rulesFiles.push({ id: state.baseRulesId, which: STAGED_RULES_LABELS.base });
    if (state.targetRulesId) rulesFiles.push({ id: state.targetRulesId, which: STAGED_RULES_LABELS.target });
    const missing = uncachedChanges({ changes: state.changes, targetRulesId: state.targetRulesId, commonDir }, version);
    if (missing.length > MAX_PREPARE_FILES) return;
    // The hook parses both rules files too; an unchanged pair is usually cached already.
    const rulesTexts = await reader.read(rulesFiles.map((r) => r.id));
    const unparsed = rulesFiles.flatMap((r) => {
      const text = rulesTexts.get(r.id)?.toString('utf8');
      return text !== undefined && !cache.getRules(rulesParseKey(version, r.which, text)) ? [{ text, which: r.which }] : [];
    });
    if (!missing.length && !unparsed.length) return;
    touch();
    for (const r of unparsed) cache.setRules(rulesParseKey(version, r.which, r.text), parse(r.text.replace(/^\uFEFF/, ''), r.which));
    const started = queue.then(() =>
      prepare({
        root: state.worktree.root,
        rulesBlob: state.targetRulesId,
        rulesLabel: STAGED_RULES_LABELS.target,
        changes: missing.map((c) => ({ path: c.path, before: c.oldBlob, after: c.newBlob })),
      }),
    );
    queue = started.then(
      () => undefined,
      () => undefined,
    );
    preparing = started.then((r) => r.done.length);
    const { rulesOk, done } = await started;
    // Under a rules file that does not parse the hook blocks anyway: no analysis is filed under it.
    if (rulesOk) {
      for (const d of done) cache.set(analysisKey(version, state.targetRulesId, d.change.path, d.change.before, d.change.after), d.result);
    }
    cache.save();
  };
  watcher = new StagedWatcher({ env, onStaged: analyseStaged, settleMs: envMs(env.FOUREYES_SERVER_SETTLE_MS, STAGED_SETTLE_MS) });

  /** Files results in the repository's analysis cache as the hook would (temp file, rename; failures ignored). */
  const storeAnalyses = (changes: AnalyzeBlobsRequest['changes'], results: AnalysisResult[]): void => {
    const cache = new AnalysisCache(cacheDirFor({ commonDir }));
    changes.forEach((c, i) => {
      if (c.cacheKey && /^[0-9a-f]{64}$/.test(c.cacheKey)) cache.set(c.cacheKey, results[i]);
    });
    cache.save();
  };

  const answer = async (req: ServerRequest): Promise<ServerResponse> => {
    if (req.version !== version || req.runtime !== runtime) return { id: req.id, mismatch: true, version, runtime };
    if (sleepMs) await sleep(sleepMs);
    if (req.type === 'parse-rules') return { id: req.id, ok: true, parsed: req.rules.map((r) => parse(r.text, r.which)) };
    if (req.type === 'prepare') {
      if (typeof req.gitDir === 'string' && path.isAbsolute(req.gitDir) && path.isAbsolute(req.root)) {
        watcher?.handledByHook(req.gitDir);
        watcher?.add({ root: req.root, gitDir: req.gitDir });
      }
      const started = prepare(req).then((r) => r.done.length);
      preparing = started;
      return { id: req.id, ok: true, prepared: await started };
    }
    if (req.type === 'analyze-blobs') {
      // The hook's head start for this commit is usually still running: its results are the
      // ones asked for, so wait for them rather than analyse the same files a second time.
      await preparing?.catch(() => 0);
      const rules = resolvedFor(req.rules.config, req.rules.source);
      const keys = req.changes.map((c) => keptKey(rules.key, c.path, c.before, c.after));
      const objects = await reader.read(req.changes.flatMap((c, i) => (kept.has(keys[i]) ? [] : [c.before, c.after])));
      const results: AnalysisResult[] = [];
      for (const [i, c] of req.changes.entries()) {
        const ready = kept.get(keys[i]);
        kept.delete(keys[i]);
        if (ready) {
          results.push(ready);
          continue;
        }
        const after = objects.get(c.after);
        if (!after) throw new Error(`cannot read blob ${c.after.slice(0, 12)} of ${c.path}`);
        // As the engine does: a before side git cannot give is analysed as a new file.
        const before = c.before ? (objects.get(c.before) ?? null) : null;
        if (readsOthers(c.path, before, after)) return { id: req.id, unsupported: `${c.path} reads other files` };
        results.push(await analyser.analyze({ path: c.path, before, after }, rules.resolved));
      }
      // Once the hook has had its answer and finished (its tail is ~10-20 ms of the same two
      // cores): the hook leaves these writes to the server.
      setTimeout(() => storeAnalyses(req.changes, results), STORE_DELAY_MS);
      return { id: req.id, ok: true, results };
    }
    const rules = resolvedFor(req.rules.config, req.rules.source);
    const results: AnalysisResult[] = [];
    for (const c of req.changes) {
      const before = c.before === null ? null : Buffer.from(c.before, 'base64');
      const after = Buffer.from(c.after, 'base64');
      if (readsOthers(c.path, before, after)) return { id: req.id, unsupported: `${c.path} reads other files` };
      results.push(await analyser.analyze({ path: c.path, before, after }, rules.resolved));
    }
    return { id: req.id, ok: true, results };
  };

  const handle = async (msg: unknown, socket: net.Socket): Promise<void> => {
    touch();
    const req = msg as ServerRequest;
    let response: ServerResponse;
    const wellFormed =
      !!req &&
      typeof req.id === 'string' &&
      (((req.type === 'analyze' || req.type === 'analyze-blobs') && Array.isArray(req.changes) && !!req.rules && typeof req.rules === 'object') ||
        (req.type === 'parse-rules' && Array.isArray(req.rules) && req.rules.every((r) => typeof r?.text === 'string' && typeof r?.which === 'string')) ||
        (req.type === 'prepare' && Array.isArray(req.changes) && typeof req.root === 'string' && typeof req.rulesLabel === 'string' && req.changes.every((c) => typeof c?.path === 'string' && typeof c?.before === 'string' && typeof c?.after === 'string')));
    if (!wellFormed) {
      response = { id: String(req?.id ?? ''), error: 'malformed request' };
    } else {
      try {
        response = await answer(req);
      } catch (err) {
        response = { id: req.id, error: err instanceof Error ? err.message : String(err) };
      }
    }
    if (testReply === 'garbage') socket.end(Buffer.from('\x00\x00\x00\x05nope!'));
    else if (testReply === 'short') socket.end(frame(response).subarray(0, 9));
    else if (testReply === 'other-id') socket.end(frame({ ...response, id: 'someone-else' }));
    else if (testReply === 'fewer' && 'results' in response) socket.end(frame({ ...response, results: response.results.slice(1) }));
    else socket.end(frame(response));
    served++;
    try {
      utimesSync(lockFile, new Date(), new Date());
    } catch {
      // The watchdog notices a lock that is gone.
    }
    touch();
    if ('mismatch' in response || served >= MAX_REQUESTS || process.memoryUsage().heapUsed > MAX_HEAP_BYTES) stop(0);
  };

  server = net.createServer((socket) => {
    const reader = new FrameReader();
    let done = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (done) return;
      let msg: unknown;
      try {
        msg = reader.push(chunk);
      } catch {
        done = true;
        socket.destroy();
        return;
      }
      if (msg === undefined) return;
      done = true;
      // Parsing a rules file is quick and synchronous: it does not wait behind analyses.
      if ((msg as ServerRequest | undefined)?.type === 'parse-rules') void handle(msg, socket).catch(() => undefined);
      else queue = queue.then(() => handle(msg, socket)).catch(() => undefined);
    });
  });
  rmSync(SERVER_SOCKET, { force: true });
  const listening = await new Promise<boolean>((resolve) => {
    server!.once('error', () => resolve(false));
    server!.listen(SERVER_SOCKET, () => resolve(true));
  });
  if (!listening) {
    if (ownsLock()) rmSync(lockFile, { force: true });
    return 1;
  }
  chmodSync(SERVER_SOCKET, 0o600);
  reader.warm();
  touch();
  // The main working tree's index; others are learned from the hooks that ask.
  if (path.basename(commonDir) === '.git') watcher.add({ root: path.dirname(commonDir), gitDir: commonDir });

  // Leaves when what it serves is gone: the runtime reinstalled or removed (`hook uninstall`),
  // the repository deleted, its lock or socket taken away, or the server turned off by git config.
  let checks = 0;
  const watchdog = setInterval(() => {
    if (stopping) return;
    checks++;
    if (runtimeIdentity(runtimeDir) !== runtime || !existsSync(commonDir) || !existsSync(path.join(dir, SERVER_SOCKET)) || !ownsLock()) return stop(0);
    if (checks % CONFIG_EVERY === 0) {
      execFile('git', ['--git-dir', commonDir, 'config', '--bool', '--get', 'foureyes.server'], { env, timeout: 10_000 }, (err, stdout) => {
        if (!err && String(stdout).trim() === 'false') stop(0);
      });
    }
  }, envMs(env.FOUREYES_SERVER_CHECK_MS, CHECK_MS));
  timers.push(watchdog);
  return new Promise<number>(() => undefined);
}
