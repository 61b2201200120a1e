// Parallel analysis over worker threads: each worker loads the grammars once and analyses the
// changes it is given; results are put back in input order, so the report is the same as a
// single-threaded run. Worth it only for many files: starting a worker and loading grammars
// costs more than analysing a handful of files.
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, FileChange } from '../core/analyze';
import { getIamDataDir } from '../core/iam/aws-actions';
import { getGrammarDir } from '../core/languages';
import type { LanguageId } from '../core/model';
import type { ResolvedRules } from '../core/rules';
import type { AnalyseReply, AnalyseTask, AnalyseWorkerData } from './analyse-worker';

/** Below this many files a single thread finishes before workers have loaded their grammars. */
export const PARALLEL_MIN_FILES = 64;

/** Default worker count: every core, a few at most (the main thread only reads and merges). */
export function defaultJobs(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.FOUREYES_JOBS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  return Math.max(1, Math.min(availableParallelism(), 8));
}

const WORKER_SCRIPT = path.join(__dirname, 'analyse-worker.js');

/** Tasks kept queued per worker, so a worker never waits for the main thread to read a file. */
const IN_FLIGHT_PER_WORKER = 2;

interface Lane {
  worker: Worker;
  inFlight: Map<number, FileChange>;
}

/**
 * Analyses every change on `jobs` workers. A change whose worker dies (out of memory, a crash
 * inside the parser) comes back as an error note naming the file, never as a silent pass.
 */
export async function analyzeParallel(
  changes: Iterable<FileChange>,
  rules: ResolvedRules,
  mode: 'scan' | 'diff',
  jobs: number,
  siblingFiles?: ReadonlyMap<string, { before?: string; after?: string; analysed?: boolean }>,
  extras: { testDetector?: boolean; preload?: readonly LanguageId[] } = {},
): Promise<AnalysisResult[]> {
  const data: AnalyseWorkerData = {
    kind: 'foureyes-analyse',
    grammarDir: path.resolve(getGrammarDir()),
    iamDataDir: path.resolve(getIamDataDir()),
    rules: { config: rules.config, source: rules.source },
    mode,
    siblingFiles: siblingFiles ? [...siblingFiles] : undefined,
    testDetector: extras.testDetector === true,
    preload: [...(extras.preload ?? [])],
  };
  const results: AnalysisResult[] = [];
  const source = changes[Symbol.iterator]();
  let next = 0;
  let exhausted = false;
  let failure: unknown;
  const lanes: Lane[] = [];
  // Workers that die on start-up (a missing worker script) must not respawn forever.
  let restartsLeft = Math.max(1, jobs) * 4;

  return new Promise<AnalysisResult[]>((resolve, reject) => {
    let settled = false;
    const settle = () => {
      if (settled) return;
      if (failure === undefined && (!exhausted || lanes.some((l) => l.inFlight.size))) return;
      settled = true;
      for (const l of lanes) void l.worker.terminate();
      if (failure !== undefined) reject(failure);
      else resolve(results);
    };
    const feed = (lane: Lane) => {
      while (!exhausted && failure === undefined && lane.inFlight.size < IN_FLIGHT_PER_WORKER) {
        let item: IteratorResult<FileChange>;
        try {
          item = source.next();
        } catch (err) {
          failure = err;
          break;
        }
        if (item.done) {
          exhausted = true;
          break;
        }
        const task: AnalyseTask = { index: next++, change: item.value };
        lane.inFlight.set(task.index, item.value);
        lane.worker.postMessage(task);
      }
      settle();
    };
    const spawn = (): Lane => {
      const lane: Lane = { worker: new Worker(WORKER_SCRIPT, { workerData: data }), inFlight: new Map() };
      lane.worker.on('message', (reply: AnalyseReply) => {
        const change = lane.inFlight.get(reply.index);
        lane.inFlight.delete(reply.index);
        results[reply.index] =
          'result' in reply ? reply.result : failedResult(change?.path ?? '?', reply.error);
        feed(lane);
      });
      const lost = (why: string) => {
        const i = lanes.indexOf(lane);
        if (i < 0) return;
        lanes.splice(i, 1);
        for (const [index, change] of lane.inFlight) results[index] = failedResult(change.path, why);
        lane.inFlight.clear();
        void lane.worker.terminate();
        if (settled) return;
        if (restartsLeft-- <= 0) {
          failure ??= new Error(why);
          settle();
          return;
        }
        const replacement = spawn();
        lanes.push(replacement);
        feed(replacement);
      };
      lane.worker.on('error', (err) => lost(`analysis worker failed: ${err.message}`));
      lane.worker.on('exit', (code) => {
        if (!settled) lost(`analysis worker exited with code ${code}`);
      });
      return lane;
    };
    for (let i = 0; i < Math.max(1, jobs); i++) lanes.push(spawn());
    for (const l of [...lanes]) feed(l);
  });
}

function failedResult(path: string, why: string): AnalysisResult {
  return { findings: [], notes: [{ path, level: 'error', message: `not analysed: ${why}` }], analysed: false };
}
