// Writes this window's AI-origin ranges into the provenance record of each repository (debounced,
// atomic, merged with other windows' entries), keeps entries of closed documents and of files
// written on disk, and prunes what was committed or discarded when HEAD moves.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { gitRaw, repoInfo } from '../../core/git';
import {
  fingerprintSpan,
  gitBlobId,
  indexContent,
  matchEntry,
  mergeSession,
  pruneEntries,
  readProvenance,
  splitLines,
  writeProvenance,
  type ProvenanceEntry,
} from '../../core/provenance';
import type { DocumentTracker } from './tracker';
import type { TrackedRange } from './ranges';

export interface Repo {
  root: string;
  gitDir: string;
}

const WRITE_DELAY_MS = 250;

export class RecordWriter implements vscode.Disposable {
  readonly session = randomUUID();
  private readonly repos = new Map<string, Repo | null>();
  /** Per git dir, per repo path: entries not backed by an open document. */
  private readonly held = new Map<string, Map<string, ProvenanceEntry[]>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly dirty = new Set<string>();

  constructor(
    private readonly tracker: DocumentTracker,
    private readonly report: (message: string) => void,
  ) {
    tracker.onClose = (doc, ranges) => this.hold(doc, ranges);
    tracker.restore = (doc) => this.restore(doc);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.flush();
  }

  /** The repository a file belongs to (cached per workspace folder), if any. */
  repoOf(uri: vscode.Uri): Repo | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const key = folder ? folder.uri.fsPath : path.dirname(uri.fsPath);
    if (!this.repos.has(key)) {
      try {
        const info = repoInfo(key);
        this.repos.set(key, info.root ? { root: info.root, gitDir: info.gitDir } : null);
      } catch {
        this.repos.set(key, null);
      }
    }
    const repo = this.repos.get(key) ?? undefined;
    if (!repo) return undefined;
    const rel = path.relative(repo.root, uri.fsPath);
    return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : repo;
  }

  knownRepos(): Repo[] {
    return [...this.repos.values()].filter((r): r is Repo => !!r);
  }

  relPath(repo: Repo, uri: vscode.Uri): string {
    return path.relative(repo.root, uri.fsPath).split(path.sep).join('/');
  }

  /** Something changed for this document's repository: write soon. */
  schedule(uri: vscode.Uri): void {
    const repo = this.repoOf(uri);
    if (!repo) return;
    this.dirty.add(repo.gitDir);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), WRITE_DELAY_MS);
  }

  /** Entries for a file written on disk while no editor had it open. */
  addHeld(repo: Repo, rel: string, entries: ProvenanceEntry[]): void {
    const files = this.held.get(repo.gitDir) ?? new Map<string, ProvenanceEntry[]>();
    this.held.set(repo.gitDir, files);
    files.set(rel, [...(files.get(rel) ?? []), ...entries]);
    this.dirty.add(repo.gitDir);
    if (!this.timer) this.timer = setTimeout(() => this.flush(), WRITE_DELAY_MS);
  }

  entry(origin: ProvenanceEntry['origin'], lines: string[], startLine: number, endLine: number, at: number, id: string, blob?: string): ProvenanceEntry {
    return { id, session: this.session, origin, at: new Date(at).toISOString(), startLine, endLine, ...(blob ? { blob } : {}), lines: fingerprintSpan(lines, startLine, endLine) };
  }

  private entriesOf(doc: vscode.TextDocument, ranges: readonly TrackedRange[]): ProvenanceEntry[] {
    const text = doc.getText();
    const lines = splitLines(text);
    const blob = gitBlobId(text);
    return ranges
      .filter((r) => !r.pending)
      .map((r) => this.entry(r.origin, lines, doc.positionAt(r.start).line + 1, doc.positionAt(Math.max(r.start, r.end - 1)).line + 1, r.at, r.id, blob));
  }

  private hold(doc: vscode.TextDocument, ranges: TrackedRange[]): void {
    const repo = this.repoOf(doc.uri);
    if (!repo) return;
    const files = this.held.get(repo.gitDir) ?? new Map<string, ProvenanceEntry[]>();
    this.held.set(repo.gitDir, files);
    files.set(this.relPath(repo, doc.uri), this.entriesOf(doc, ranges));
  }

  private restore(doc: vscode.TextDocument): TrackedRange[] {
    const repo = this.repoOf(doc.uri);
    const files = repo && this.held.get(repo.gitDir);
    const rel = repo && this.relPath(repo, doc.uri);
    const entries = files && rel ? files.get(rel) : undefined;
    if (!entries || !files || !rel) return [];
    files.delete(rel);
    const index = indexContent(doc.getText());
    const out: TrackedRange[] = [];
    for (const e of entries) {
      const hit = matchEntry({ ...e, blob: undefined }, index);
      if (!hit.length) continue;
      const first = hit[0] - 1;
      const last = Math.min(hit[hit.length - 1] - 1, doc.lineCount - 1);
      out.push({ id: e.id, origin: e.origin, at: Date.parse(e.at), start: doc.offsetAt(new vscode.Position(first, 0)), end: doc.offsetAt(doc.lineAt(last).range.end) });
    }
    return out;
  }

  /** The entries this window owns, per git dir. */
  private mine(): Map<string, Record<string, ProvenanceEntry[]>> {
    const out = new Map<string, Record<string, ProvenanceEntry[]>>();
    const files = (gitDir: string): Record<string, ProvenanceEntry[]> => {
      let f = out.get(gitDir);
      if (!f) out.set(gitDir, (f = {}));
      return f;
    };
    for (const [gitDir, held] of this.held) for (const [rel, entries] of held) if (entries.length) files(gitDir)[rel] = [...entries];
    for (const st of this.tracker.documents()) {
      const repo = this.repoOf(st.doc.uri);
      if (!repo || !st.ranges.some((r) => !r.pending)) continue;
      const rel = this.relPath(repo, st.doc.uri);
      const f = files(repo.gitDir);
      f[rel] = [...(f[rel] ?? []), ...this.entriesOf(st.doc, st.ranges)];
    }
    return out;
  }

  /** Writes now: every repository with changes, or all known ones. */
  flush(all = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const mine = this.mine();
    const targets = all ? this.knownRepos().map((r) => r.gitDir) : [...this.dirty];
    this.dirty.clear();
    for (const gitDir of new Set(targets)) {
      try {
        writeProvenance(gitDir, mergeSession(readProvenance(gitDir), this.session, mine.get(gitDir) ?? {}, new Date()));
      } catch (err) {
        this.report(`Four Eyes: ${(err as Error).message}`);
      }
    }
  }

  /** After HEAD moved: drops entries whose text is now committed, or is gone from the file. */
  pruneCommitted(repo: Repo): void {
    const head = (rel: string): string | undefined => {
      const r = gitRaw(['show', `HEAD:${rel}`], { cwd: repo.root });
      return r.code === 0 ? r.stdout.toString('utf8') : undefined;
    };
    const current = (rel: string): string | undefined => {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === path.join(repo.root, rel));
      if (open) return open.getText();
      try {
        return readFileSync(path.join(repo.root, rel), 'utf8');
      } catch {
        return undefined;
      }
    };
    const held = this.held.get(repo.gitDir);
    if (held) {
      const kept = pruneEntries(Object.fromEntries(held), head, current);
      this.held.set(repo.gitDir, new Map(Object.entries(kept)));
    }
    for (const st of this.tracker.documents()) {
      if (this.repoOf(st.doc.uri)?.gitDir !== repo.gitDir || !st.ranges.length) continue;
      const rel = this.relPath(repo, st.doc.uri);
      const kept = new Set((pruneEntries({ [rel]: this.entriesOf(st.doc, st.ranges) }, head, current)[rel] ?? []).map((e) => e.id));
      this.tracker.discard(st.doc, (r) => !r.pending && !kept.has(r.id));
    }
    this.dirty.add(repo.gitDir);
    this.flush();
  }
}
