// Worker-thread entry for parallel analysis: loads grammars once, then analyses the file changes
// the pool sends, one at a time, and posts each result back.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeChange, errorMessage, type AnalysisResult, type FileChange } from '../core/analyze';
import { testMarkerDetector } from '../core/detectors/test-marker';
import { prefetchActionCatalog, setIamDataDir } from '../core/iam/aws-actions';
import { setGrammarDir } from '../core/languages';
import type { LanguageId } from '../core/model';
import { prepareParsers } from '../core/parse';
import { resolveRules, type RulesConfig } from '../core/rules';
import { fileSiblings } from './report';

/** What the pool gives each worker when it starts. */
export interface AnalyseWorkerData {
  kind: 'foureyes-analyse';
  grammarDir: string;
  iamDataDir: string;
  rules: { config: RulesConfig; source?: string };
  mode: 'scan' | 'diff';
  /** Entries of the change set's sibling map (see `fileSiblings`). */
  siblingFiles?: Array<[string, { before?: string; after?: string; analysed?: boolean }]>;
  /** Add the test-only marker detector (FOUREYES_TEST_DETECTOR in the review commands). */
  testDetector?: boolean;
  /** Languages the run holds: their grammars start compiling before the first task arrives. */
  preload?: LanguageId[];
}

export interface AnalyseTask {
  index: number;
  change: FileChange;
}

export type AnalyseReply = { index: number; result: AnalysisResult } | { index: number; error: string };

function serve(data: AnalyseWorkerData): void {
  const port = parentPort!;
  setGrammarDir(data.grammarDir);
  setIamDataDir(data.iamDataDir);
  if (data.preload?.length) {
    prefetchActionCatalog();
    prepareParsers(data.preload).catch(() => undefined);
  }
  const rules = resolveRules(data.rules.config, data.rules.source);
  const siblings = data.siblingFiles ? fileSiblings(new Map(data.siblingFiles)) : undefined;
  const extraDetectors = data.testDetector ? [testMarkerDetector] : [];
  // Tasks are analysed strictly one after another: a parser is shared per language.
  let chain = Promise.resolve();
  port.on('message', (task: AnalyseTask) => {
    chain = chain.then(async () => {
      let reply: AnalyseReply;
      try {
        reply = { index: task.index, result: await analyzeChange(task.change, { rules, mode: data.mode, siblings, extraDetectors }) };
      } catch (err) {
        reply = { index: task.index, error: errorMessage(err) };
      }
      port.postMessage(reply);
    });
  });
}

if (parentPort && (workerData as AnalyseWorkerData | undefined)?.kind === 'foureyes-analyse') serve(workerData as AnalyseWorkerData);
