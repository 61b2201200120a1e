// Files written on disk by something other than this editor (CLI agents in a terminal) are
// `agent-write`, unless a git operation explains them: HEAD or the index moved at the same time.
// Our own saves and documents with unsaved edits are left alone.
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import * as vscode from 'vscode';
import { gitRaw } from '../../core/git';
import { splitLines } from '../../core/provenance';
import { addedLineSpans } from './line-diff';
import type { RecordWriter, Repo } from './record-writer';
import type { CaptureSettings, DocumentTracker } from './tracker';
import type { TrackedRange } from './ranges';

const QUIET_MS = 400;
/** A git operation this close to a file change explains it. */
const GIT_WINDOW_MS = 3000;
const MAX_BASELINE_CHARS = 2_000_000;

export class DiskWrites implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly gitWatchers = new Map<string, FSWatcher>();
  private readonly heads = new Map<string, string | undefined>();
  private lastGitActivity = 0;
  private batch = new Map<string, vscode.Uri>();
  private batchStart = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly baselines = new Map<string, string>();
  private readonly recent = new Map<string, { at: number; explained: boolean }>();
  private readonly pending = new Map<string, { doc: vscode.TextDocument; ranges: TrackedRange[]; at: number }>();
  /** Files VS Code reported as created by the workbench (workspace edits): when, by path. */
  private readonly editorCreated = new Map<string, number>();

  constructor(
    private readonly tracker: DocumentTracker,
    private readonly writer: RecordWriter,
    private readonly settings: () => CaptureSettings,
  ) {
    const fsw = vscode.workspace.createFileSystemWatcher('**/*', false, false, true);
    this.disposables.push(
      fsw,
      fsw.onDidChange((u) => this.touched(u)),
      fsw.onDidCreate((u) => this.touched(u)),
      // Chat and agent tools create files through workspace edits; the disk watcher sees the same
      // file a moment later and must call it a chat edit, not an agent write.
      vscode.workspace.onDidCreateFiles((e) => {
        for (const f of e.files) if (f.scheme === 'file') this.editorCreated.set(f.fsPath, Date.now());
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.baselines.set(d.uri.fsPath, d.getText())),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === 'file' && !d.isDirty && d.getText().length < MAX_BASELINE_CHARS) this.baselines.set(d.uri.fsPath, d.getText());
      }),
    );
    tracker.onReload = (doc, ranges) => {
      this.pending.set(doc.uri.fsPath, { doc, ranges, at: Date.now() });
      this.settle(doc.uri.fsPath);
      setTimeout(() => this.expire(doc.uri.fsPath), GIT_WINDOW_MS + QUIET_MS);
    };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.gitWatchers.values()) w.close();
    for (const d of this.disposables) d.dispose();
  }

  /** Watches a repository's git directory for HEAD and index moves. */
  watchRepo(repo: Repo): void {
    if (this.gitWatchers.has(repo.gitDir)) return;
    this.heads.set(repo.gitDir, this.head(repo));
    try {
      const w = watch(repo.gitDir, (_event, name) => {
        const n = String(name ?? '');
        if (!/^(HEAD|ORIG_HEAD|index|index\.lock|COMMIT_EDITMSG|FETCH_HEAD|MERGE_HEAD|packed-refs)$/.test(n)) return;
        this.lastGitActivity = Date.now();
        if (n === 'index' || n === 'HEAD') this.headMaybeMoved(repo);
      });
      w.on('error', () => w.close());
      this.gitWatchers.set(repo.gitDir, w);
    } catch {
      // No watcher (odd file systems): git-explained changes may then be reported as agent writes.
    }
  }

  private head(repo: Repo): string | undefined {
    const r = gitRaw(['rev-parse', '-q', '--verify', 'HEAD'], { cwd: repo.root });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : undefined;
  }

  private headMaybeMoved(repo: Repo): void {
    const now = this.head(repo);
    if (now === this.heads.get(repo.gitDir)) return;
    this.heads.set(repo.gitDir, now);
    this.writer.pruneCommitted(repo);
  }

  private touched(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || /[\\/](\.git|node_modules)([\\/]|$)/.test(uri.fsPath)) return;
    if (!this.batch.size) this.batchStart = Date.now();
    this.batch.set(uri.fsPath, uri);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.process(), QUIET_MS);
  }

  private explained(): boolean {
    return this.lastGitActivity >= this.batchStart - GIT_WINDOW_MS;
  }

  private process(): void {
    this.timer = undefined;
    const batch = this.batch;
    this.batch = new Map();
    const explained = this.explained();
    for (const [fsPath, uri] of batch) {
      this.recent.set(fsPath, { at: Date.now(), explained });
      const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === fsPath);
      if (open) {
        this.settle(fsPath);
        continue;
      }
      this.closedFile(uri, explained);
    }
  }

  private closedFile(uri: vscode.Uri, explained: boolean): void {
    const repo = this.writer.repoOf(uri);
    let now: string;
    try {
      now = readFileSync(uri.fsPath, 'utf8');
    } catch {
      return;
    }
    const before = this.baselines.get(uri.fsPath) ?? (repo ? this.indexed(repo, this.writer.relPath(repo, uri)) : undefined);
    if (now.length < MAX_BASELINE_CHARS) this.baselines.set(uri.fsPath, now);
    const created = this.editorCreated.get(uri.fsPath);
    this.editorCreated.delete(uri.fsPath);
    const origin = created !== undefined && Date.now() - created < GIT_WINDOW_MS + QUIET_MS ? 'chat-edit' : 'agent-write';
    if (explained || !repo || before === now) return;
    if (origin === 'chat-edit' ? !this.settings().chatEdits : !this.settings().agentWrites) return;
    const lines = splitLines(now);
    const spans = addedLineSpans(before === undefined ? [] : splitLines(before), lines).filter(([a, b]) => lines.slice(a - 1, b).some((l) => l.trim()));
    if (!spans.length) return;
    const at = Date.now();
    this.writer.addHeld(
      repo,
      this.writer.relPath(repo, uri),
      spans.map(([a, b], i) => this.writer.entry(origin, lines, a, b, at, `${at}-${i}-${Math.random().toString(36).slice(2)}`)),
    );
  }

  private indexed(repo: Repo, rel: string): string | undefined {
    const r = gitRaw(['show', `:${rel}`], { cwd: repo.root });
    return r.code === 0 ? r.stdout.toString('utf8') : undefined;
  }

  /** Decides a reload's pending ranges once the disk watcher has seen the file. */
  private settle(fsPath: string): void {
    const p = this.pending.get(fsPath);
    const seen = this.recent.get(fsPath);
    if (!p || !seen || Math.abs(seen.at - p.at) > GIT_WINDOW_MS + QUIET_MS) return;
    this.pending.delete(fsPath);
    const explained = seen.explained || this.lastGitActivity >= p.at - GIT_WINDOW_MS;
    for (const r of p.ranges) {
      if (explained) this.tracker.discard(p.doc, (x) => x === r);
      else this.tracker.confirm(p.doc, r);
    }
  }

  /** A reload the disk watcher never reported (Revert File) is not an agent write. */
  private expire(fsPath: string): void {
    const p = this.pending.get(fsPath);
    if (!p || Date.now() - p.at < GIT_WINDOW_MS) return;
    this.pending.delete(fsPath);
    this.tracker.discard(p.doc, (x) => p.ranges.includes(x));
  }
}

