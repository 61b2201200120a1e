// Wires AI-origin capture into the extension: the document tracker, the accept commands, the
// disk-write watcher and the provenance record writer. Returns what the rest of the extension
// asks: the origin of a range, and an event when AI-origin text arrives (to analyse at once).
import * as vscode from 'vscode';
import type { AiOrigin } from '../../core/findings';
import { registerAcceptCommands } from './accept';
import { DiskWrites } from './disk-writes';
import { RecordWriter } from './record-writer';
import { DocumentTracker, readSettings, type CaptureEvent, type CaptureSettings } from './tracker';

export interface CaptureService {
  /** The AI origin of 0-based lines startLine..endLine of a document, where known. */
  originAt(uri: vscode.Uri, startLine: number, endLine: number): AiOrigin | undefined;
  onDidCapture: vscode.Event<CaptureEvent>;
  /** The confirmed AI-origin ranges of an open document (tests). */
  rangesOf(uri: vscode.Uri): Array<{ origin: AiOrigin; range: vscode.Range }>;
  /** Writes the provenance record now (tests, deactivation). */
  flush(): void;
}

export function activateCapture(context: vscode.ExtensionContext, report: (message: string) => void): CaptureService {
  let settings: CaptureSettings = readSettings();
  const current = (): CaptureSettings => settings;
  const tracker = new DocumentTracker(current);
  const writer = new RecordWriter(tracker, report);
  const disk = new DiskWrites(tracker, writer, current);
  const watchRepos = (): void => {
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const repo = writer.repoOf(vscode.Uri.joinPath(f.uri, '.foureyes-probe'));
      if (repo) disk.watchRepo(repo);
    }
  };
  watchRepos();
  for (const repo of writer.knownRepos()) writer.pruneCommitted(repo);
  context.subscriptions.push(
    tracker,
    writer,
    disk,
    ...registerAcceptCommands(tracker, current),
    tracker.onDidChangeRanges((doc) => writer.schedule(doc.uri)),
    vscode.workspace.onDidChangeWorkspaceFolders(watchRepos),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('foureyes.capture')) settings = readSettings();
    }),
  );
  return {
    originAt: (uri, a, b) => tracker.originAt(uri, a, b),
    onDidCapture: tracker.onDidCapture,
    rangesOf: (uri) => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (!doc) return [];
      return tracker.rangesOf(uri).filter((r) => !r.pending).map((r) => ({ origin: r.origin, range: new vscode.Range(doc.positionAt(r.start), doc.positionAt(r.end)) }));
    },
    flush: () => writer.flush(true),
  };
}
