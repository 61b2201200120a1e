// Analyses open documents against their baseline (HEAD from git, else the text when opened):
// on open and save at once, on edits after a debounce, re-using each document's tree-sitter tree.
// Results carry the review state from the folder's approvals. Nothing here loads a grammar or
// runs git until a supported document is opened.
import * as vscode from 'vscode';
import { analyzeChange, errorMessage, formatBytes, type FileNote } from '../core/analyze';
import type { AiOrigin } from '../core/findings';
import { readObjects } from '../core/git';
import { IncrementalParser, type TextChange } from '../core/incremental';
import { detectLanguage } from '../core/languages';
import type { Logger } from '../core/logger';
import type { Doc, LanguageId } from '../core/model';
import { parseDocument } from '../core/parse';
import { evaluatePolicy, type ReviewedFinding } from '../core/review/policy';
import { prefillAnalysis } from '../core/review/prefill';
import { VERSION } from '../cli/version';
import type { FolderContext, Folders } from './folders';
import { readSettings } from './settings';

export interface DocumentResult {
  uri: vscode.Uri;
  version: number;
  /** Repo-relative path. */
  path: string;
  findings: ReviewedFinding[];
  notes: FileNote[];
  /** Where the baseline came from, for messages and related information. */
  baseline: 'head' | 'opened' | 'new';
  baselineText: string | undefined;
  /** Milliseconds from the start of analysis to the result (debounce excluded). */
  elapsedMs: number;
}

interface DocState {
  parser: IncrementalParser;
  language: LanguageId;
  baseline: { kind: 'head' | 'opened' | 'new'; text: string | undefined };
  before?: { text: string; doc: Promise<Doc> };
  pending: TextChange[];
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  again: boolean;
  result?: DocumentResult;
}

export class AnalysisService implements vscode.Disposable {
  private readonly docs = new Map<string, DocState>();
  private readonly skipped = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<DocumentResult>();
  readonly onDidAnalyse = this.emitter.event;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly folders: Folders,
    private readonly log: Logger,
  ) {}

  result(uri: vscode.Uri): DocumentResult | undefined {
    return this.docs.get(uri.toString())?.result;
  }

  results(): DocumentResult[] {
    return [...this.docs.values()].flatMap((d) => (d.result ? [d.result] : []));
  }

  /** A document was opened (or is visible at activation): analyse at once. */
  open(doc: vscode.TextDocument): void {
    const state = this.stateFor(doc);
    if (state) this.schedule(doc, state, 0);
  }

  change(e: vscode.TextDocumentChangeEvent): void {
    if (!e.contentChanges.length) return;
    const state = this.docs.get(e.document.uri.toString());
    if (!state) return;
    for (const c of e.contentChanges) state.pending.push({ startOffset: c.rangeOffset, oldEndOffset: c.rangeOffset + c.rangeLength, newText: c.text });
    this.schedule(e.document, state, readSettings(e.document.uri).debounceMs);
  }

  /** Where AI-origin text is (0-based lines), set by the capture. */
  originOf?: (uri: vscode.Uri, startLine: number, endLine: number) => AiOrigin | undefined;

  /** Edits that an AI assistant made are analysed without waiting for the debounce. */
  changeNow(doc: vscode.TextDocument): void {
    const state = this.docs.get(doc.uri.toString());
    if (state) this.schedule(doc, state, 0);
  }

  save(doc: vscode.TextDocument): void {
    const state = this.docs.get(doc.uri.toString()) ?? this.stateFor(doc);
    if (state) {
      this.schedule(doc, state, 0);
      void this.prefill(doc, state);
    }
  }

  /**
   * Saved content is usually what gets committed next: its analysis goes into the hook's cache
   * (computed afresh from disk and git, the way the hook would), so the commit parses nothing.
   */
  private async prefill(doc: vscode.TextDocument, state: DocState): Promise<void> {
    const ctx = this.folders.forUri(doc.uri);
    if (!ctx?.repo || ctx.rulesError) return;
    const target = { root: ctx.root, commonDir: ctx.repo.commonDir, path: state.parser.path, version: VERSION, hasHead: !!ctx.repo.head };
    const previous = this.prefilling;
    const run = (async () => {
      await previous;
      try {
        const outcome = await prefillAnalysis(target);
        this.log.debug(`${target.path}: hook cache pre-fill ${outcome}`);
      } catch (err) {
        this.log.debug(`${target.path}: hook cache pre-fill failed: ${errorMessage(err)}`);
      }
    })();
    this.prefilling = run;
    await run;
  }

  /** Pre-fills run one after another: they share the process's parsers with the editor analyses. */
  private prefilling: Promise<void> = Promise.resolve();

  close(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const state = this.docs.get(key);
    if (!state) return;
    clearTimeout(state.timer);
    state.parser.dispose();
    this.docs.delete(key);
    this.skipped.delete(key);
  }

  /** Re-reads baselines, rules and approvals and re-analyses every open document. */
  refreshAll(): void {
    this.folders.invalidate();
    for (const doc of vscode.workspace.textDocuments) {
      const key = doc.uri.toString();
      const state = this.docs.get(key);
      if (state) {
        clearTimeout(state.timer);
        state.parser.dispose();
        this.docs.delete(key);
      }
      this.skipped.delete(key);
      this.open(doc);
    }
  }

  /** Resolves when no analysis is scheduled or running (tests, commands that need fresh results). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private isIdle(): boolean {
    return [...this.docs.values()].every((d) => !d.timer && !d.running);
  }

  private stateFor(doc: vscode.TextDocument): DocState | undefined {
    const key = doc.uri.toString();
    const existing = this.docs.get(key);
    if (existing) return existing;
    if (this.skipped.has(key) || doc.uri.scheme !== 'file') return undefined;
    const settings = readSettings(doc.uri);
    if (!settings.enable) return undefined;
    const language = detectLanguage(doc.uri.fsPath, doc.lineCount ? doc.lineAt(0).text : '');
    if (!language) {
      this.skipped.add(key);
      this.log.debug(`${doc.uri.fsPath}: not a language Four Eyes reads; skipped`);
      return undefined;
    }
    const text = doc.getText();
    const size = Buffer.byteLength(text);
    if (size > settings.maxFileBytes) {
      this.skipped.add(key);
      this.log.info(`${doc.uri.fsPath}: ${formatBytes(size)} is over foureyes.maxFileBytes (${formatBytes(settings.maxFileBytes)}); not analysed in the editor (the hook still checks it)`);
      return undefined;
    }
    const ctx = this.folders.forUri(doc.uri);
    if (!ctx) return undefined;
    const rel = this.folders.relativePath(ctx, doc.uri);
    const state: DocState = { parser: new IncrementalParser(rel, language), language, baseline: this.baselineFor(ctx, rel, text), pending: [], again: false };
    this.docs.set(key, state);
    return state;
  }

  private baselineFor(ctx: FolderContext, rel: string, openedText: string): DocState['baseline'] {
    if (ctx.repo?.head && !rel.startsWith('../')) {
      try {
        const blob = readObjects(ctx.root, [`HEAD:${rel}`]).get(`HEAD:${rel}`);
        if (blob) return { kind: 'head', text: blob.toString('utf8') };
        // Tracked nowhere at HEAD: a new file, every risk in it is new.
        return { kind: 'new', text: undefined };
      } catch (err) {
        this.log.warn(`${rel}: cannot read the HEAD version (${errorMessage(err)}); comparing with the text at open`);
      }
    }
    return { kind: 'opened', text: openedText };
  }

  private schedule(doc: vscode.TextDocument, state: DocState, delay: number): void {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (state.running) {
        state.again = true;
        return;
      }
      state.running = this.analyse(doc, state).finally(() => {
        state.running = undefined;
        if (state.again) {
          state.again = false;
          this.schedule(doc, state, 0);
        } else this.notifyIdle();
      });
    }, delay);
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async analyse(doc: vscode.TextDocument, state: DocState): Promise<void> {
    if (doc.isClosed || this.docs.get(doc.uri.toString()) !== state) return;
    const ctx = this.folders.forUri(doc.uri);
    if (!ctx) return;
    const started = performance.now();
    const text = doc.getText();
    const version = doc.version;
    const changes = state.pending.splice(0);
    const rel = state.parser.path;
    try {
      const r = await analyzeChange(
        { path: rel, before: state.baseline.text ?? null, after: text },
        {
          rules: ctx.rules,
          mode: 'diff',
          language: state.language,
          parse: (side, p, t, language) => {
            if (side === 'after') return state.parser.parse(t, changes);
            if (state.before?.text !== t) state.before = { text: t, doc: parseDocument(p, t, language) };
            return state.before.doc;
          },
        },
      );
      for (const f of r.findings) f.aiOrigin ??= this.originOf?.(doc.uri, f.range.startLine - 1, f.range.endLine - 1);
      const policy = evaluatePolicy({ findings: r.findings, records: ctx.records, policy: ctx.policy, authorsOf: () => (ctx.author ? [ctx.author] : []), now: new Date() });
      for (const e of policy.errors) this.log.warn(`${rel}: ${e}`);
      for (const n of r.notes) this.log[n.level === 'error' ? 'error' : n.level === 'warning' ? 'warn' : 'info'](`${n.path}: ${n.message}`);
      const elapsedMs = performance.now() - started;
      state.result = { uri: doc.uri, version, path: rel, findings: policy.findings, notes: r.notes, baseline: state.baseline.kind, baselineText: state.baseline.text, elapsedMs };
      this.log.debug(`${rel}: ${r.findings.length} finding(s) in ${elapsedMs.toFixed(1)} ms (v${version}, ${changes.length ? 'incremental' : 'full'} parse)`);
      this.emitter.fire(state.result);
    } catch (err) {
      this.log.error(`${rel}: analysis failed: ${errorMessage(err)}`);
    }
  }

  dispose(): void {
    for (const s of this.docs.values()) {
      clearTimeout(s.timer);
      s.parser.dispose();
    }
    this.docs.clear();
    this.emitter.dispose();
  }
}
