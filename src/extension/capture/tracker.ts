// Follows every open document: keeps a copy of its text (to know what each change replaced),
// moves AI-origin ranges through edits, and classifies edits as they arrive. The per-keystroke
// path is offset arithmetic only; the clipboard is read only for edits that could be a paste.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { AiOrigin } from '../../core/findings';
import { classifyChange, isPasteOf, pasteOrigin, withReplaced, type ReplacedChange } from './classify';
import { addRange, applyChanges, insertedRanges, type TrackedRange } from './ranges';

/** Documents larger than this are not copied; their edits are tracked but never called AI-origin. */
const MAX_SHADOW_CHARS = 4_000_000;
/** How long the first edit of a clean document waits for its dirty state. */
const DIRTY_SETTLE_MS = 60;
const CHAT_EDITING_SCHEMES = new Set(['chat-editing-text-model', 'chat-editing-snapshot-text-model']);

export interface CaptureSettings {
  inlineCompletions: boolean;
  chatEdits: boolean;
  agentWrites: boolean;
  /** Pastes of at least this many lines count as AI-origin (`paste`); 0 turns it off. */
  largePasteLines: number;
}

export function readSettings(): CaptureSettings {
  const c = vscode.workspace.getConfiguration('foureyes.capture');
  return {
    inlineCompletions: c.get<boolean>('inlineCompletions', true),
    chatEdits: c.get<boolean>('chatEdits', true),
    agentWrites: c.get<boolean>('agentWrites', true),
    largePasteLines: c.get<number>('largePasteLines', 0),
  };
}

interface DocState {
  doc: vscode.TextDocument;
  shadow: string | undefined;
  ranges: TrackedRange[];
}

export interface CaptureEvent {
  uri: vscode.Uri;
  origin: AiOrigin;
  range: vscode.Range;
}

export class DocumentTracker implements vscode.Disposable {
  private readonly docs = new Map<string, DocState>();
  private readonly accepting = new Set<string>();
  private readonly saving = new Set<string>();
  private readonly chatPaths = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly captured = new vscode.EventEmitter<CaptureEvent>();
  private readonly rangesChanged = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires when AI-origin text is recorded. */
  readonly onDidCapture = this.captured.event;
  /** Fires when a document's AI-origin ranges moved, grew, shrank or went away. */
  readonly onDidChangeRanges = this.rangesChanged.event;
  /** Reloads from disk, handed to the disk-write watcher to confirm or reject. */
  onReload: (doc: vscode.TextDocument, ranges: TrackedRange[]) => void = () => {};

  constructor(private settings: () => CaptureSettings) {
    for (const d of vscode.workspace.textDocuments) this.open(d);
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.open(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.close(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.change(e)),
      vscode.workspace.onWillSaveTextDocument((e) => {
        const key = e.document.uri.toString();
        this.saving.add(key);
        // Participants run inside the save; the flag must not outlive a save that fails.
        setTimeout(() => this.saving.delete(key), 5000);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.saving.delete(d.uri.toString())),
      this.captured,
      this.rangesChanged,
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.docs.clear();
  }

  /** Closed documents' ranges, so the record keeps them: set by the owner. */
  onClose: (doc: vscode.TextDocument, ranges: TrackedRange[]) => void = () => {};
  /** Ranges for a document being opened, from what the record kept while it was closed. */
  restore: (doc: vscode.TextDocument) => TrackedRange[] = () => [];

  private open(doc: vscode.TextDocument): void {
    if (CHAT_EDITING_SCHEMES.has(doc.uri.scheme)) {
      this.chatPaths.add(doc.uri.path);
      return;
    }
    if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled') return;
    const key = doc.uri.toString();
    if (this.docs.has(key)) return;
    const text = doc.getText();
    this.docs.set(key, { doc, shadow: text.length <= MAX_SHADOW_CHARS ? text : undefined, ranges: this.restore(doc) });
  }

  private close(doc: vscode.TextDocument): void {
    if (CHAT_EDITING_SCHEMES.has(doc.uri.scheme)) {
      this.chatPaths.delete(doc.uri.path);
      return;
    }
    const key = doc.uri.toString();
    const st = this.docs.get(key);
    if (!st) return;
    this.docs.delete(key);
    if (st.ranges.some((r) => !r.pending)) this.onClose(doc, st.ranges.filter((r) => !r.pending));
  }

  documents(): Iterable<DocState> {
    return this.docs.values();
  }

  rangesOf(uri: vscode.Uri): readonly TrackedRange[] {
    return this.docs.get(uri.toString())?.ranges ?? [];
  }

  /** AI origin of any confirmed range touching lines startLine..endLine (0-based). */
  originAt(uri: vscode.Uri, startLine: number, endLine: number): AiOrigin | undefined {
    const st = this.docs.get(uri.toString());
    if (!st) return undefined;
    for (const r of st.ranges) {
      if (r.pending) continue;
      const a = st.doc.positionAt(r.start).line;
      const b = st.doc.positionAt(Math.max(r.start, r.end - 1)).line;
      if (a <= endLine && b >= startLine) return r.origin;
    }
    return undefined;
  }

  /** Runs an accept command on a document; its edits are not classified meanwhile. */
  async whileAccepting<T>(doc: vscode.TextDocument, run: () => Thenable<T>): Promise<T> {
    const key = doc.uri.toString();
    this.accepting.add(key);
    try {
      return await run();
    } finally {
      this.accepting.delete(key);
    }
  }

  /** Records [start, end) of a document as AI-origin. */
  mark(doc: vscode.TextDocument, start: number, end: number, origin: AiOrigin, pending = false): TrackedRange | undefined {
    const st = this.docs.get(doc.uri.toString());
    if (!st || end <= start) return undefined;
    const r: TrackedRange = { id: randomUUID(), origin, at: Date.now(), start, end, ...(pending ? { pending } : {}) };
    st.ranges = pending ? [...st.ranges, r] : addRange(st.ranges, r);
    if (!pending) this.announce(st, r);
    return r;
  }

  confirm(doc: vscode.TextDocument, r: TrackedRange, origin?: AiOrigin): void {
    const st = this.docs.get(doc.uri.toString());
    if (!st || !st.ranges.includes(r)) return;
    st.ranges = st.ranges.filter((x) => x !== r);
    const done: TrackedRange = { ...r, origin: origin ?? r.origin };
    delete done.pending;
    st.ranges = addRange(st.ranges, done);
    this.announce(st, done);
  }

  discard(doc: vscode.TextDocument, drop: (r: TrackedRange) => boolean): void {
    const st = this.docs.get(doc.uri.toString());
    if (!st) return;
    const kept = st.ranges.filter((r) => !drop(r));
    if (kept.length === st.ranges.length) return;
    st.ranges = kept;
    this.rangesChanged.fire(st.doc);
  }

  private announce(st: DocState, r: TrackedRange): void {
    const range = new vscode.Range(st.doc.positionAt(r.start), st.doc.positionAt(r.end));
    this.rangesChanged.fire(st.doc);
    this.captured.fire({ uri: st.doc.uri, origin: r.origin, range });
  }

  private change(e: vscode.TextDocumentChangeEvent): void {
    if (!e.contentChanges.length) return;
    const key = e.document.uri.toString();
    const st = this.docs.get(key);
    if (!st) return;
    const moved = withReplaced(st.shadow, e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text })));
    const { changes } = moved;
    const shadow = moved.shadow;
    st.shadow = shadow !== undefined && shadow.length <= MAX_SHADOW_CHARS ? shadow : undefined;
    const had = st.ranges.length;
    if (had) {
      st.ranges = applyChanges(st.ranges, changes);
      this.rangesChanged.fire(st.doc);
    }
    if (st.shadow === undefined) return;
    const facts = {
      changes,
      reason: e.reason === vscode.TextDocumentChangeReason.Undo ? ('undo' as const) : e.reason === vscode.TextDocumentChangeReason.Redo ? ('redo' as const) : undefined,
      focused: vscode.window.activeTextEditor?.document === e.document,
      reloadedFromDisk: false,
      accepting: this.accepting.has(key),
      saving: this.saving.has(key),
      chatSession: this.chatPaths.has(e.document.uri.path),
    };
    const kind = classifyChange(facts);
    const candidate = kind === 'chat-edit' || kind === 'paste-or-chat';
    if (e.document.isDirty || classifyChange({ ...facts, reloadedFromDisk: true }) !== 'reload') {
      if (candidate) this.edited(st, kind, changes);
      return;
    }
    // Not dirty: a reload from disk, or the first edit of a clean document whose dirty state
    // reaches the extension host just after the change. Hold the spans until that is known.
    const pending = insertedRanges(changes)
      .map((r) => this.mark(st.doc, r.start, r.end, 'agent-write', true))
      .filter((r): r is TrackedRange => !!r);
    if (!pending.length) return;
    setTimeout(() => {
      if (!st.doc.isDirty) {
        if (this.settings().agentWrites) this.onReload(st.doc, pending);
        else this.discard(st.doc, (x) => pending.includes(x));
        return;
      }
      this.discard(st.doc, (x) => pending.includes(x));
      if (candidate) this.edited(st, kind, changes, pending);
    }, DIRTY_SETTLE_MS);
  }

  private edited(st: DocState, kind: 'chat-edit' | 'paste-or-chat', changes: ReplacedChange[], held?: TrackedRange[]): void {
    const s = this.settings();
    const spans = held ? held.map((r) => ({ start: r.start, end: r.end })) : insertedRanges(changes);
    if (kind === 'chat-edit') {
      if (s.chatEdits) for (const r of spans) this.mark(st.doc, r.start, r.end, 'chat-edit');
      return;
    }
    // Pending until the clipboard says whether this was a paste.
    const pending = spans.map((r) => this.mark(st.doc, r.start, r.end, 'chat-edit', true)).filter((r): r is TrackedRange => !!r);
    if (!pending.length) return;
    void Promise.resolve(vscode.env.clipboard.readText()).then(
      (clip) => {
        const settings = this.settings();
        if (isPasteOf(changes, clip)) {
          const origin = pasteOrigin(changes, settings.largePasteLines);
          for (const r of pending) {
            if (origin) this.confirm(st.doc, r, origin);
            else this.discard(st.doc, (x) => x === r);
          }
        } else {
          for (const r of pending) {
            if (settings.chatEdits) this.confirm(st.doc, r);
            else this.discard(st.doc, (x) => x === r);
          }
        }
      },
      () => this.discard(st.doc, (x) => pending.includes(x)),
    );
  }
}
