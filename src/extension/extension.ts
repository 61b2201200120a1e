// The VS Code adapter: a thin layer over src/core. Activation only creates the output channel and
// registers commands and providers; grammars load and git runs when a supported file is opened.
import * as vscode from 'vscode';
import type { AnalysisService } from './analysis-service';
import { channelLogger } from './logger';
import { registerCommands } from './commands';
import { registerEditorUi } from './editor-ui';
import { Session } from './session';
import { SECTION } from './settings';
import { setGrammarDir } from '../core/languages';
import { activateCapture, type CaptureService } from './capture/activate';
import { registerReviewStatus } from './panel/panel';

/** What `activate` returns: used by the integration tests and the bench. */
export interface FourEyesApi {
  service: AnalysisService;
  activationMs: number;
  session: Session;
  capture: CaptureService;
}

let session: Session | undefined;

export function activate(context: vscode.ExtensionContext): FourEyesApi {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Four Eyes', { log: true });
  context.subscriptions.push(channel);
  const log = channelLogger(channel);
  setGrammarDir(vscode.Uri.joinPath(context.extensionUri, 'dist', 'grammars').fsPath);
  const s = new Session(context, channel, log);
  session = s;
  context.subscriptions.push(s);
  registerCommands(s);
  registerEditorUi(s);
  registerReviewStatus(context, channel);

  const { service, folders } = s;
  const capture = activateCapture(context, (m) => log.error(m));
  service.originOf = (uri, startLine, endLine) => capture.originAt(uri, startLine, endLine);
  s.own(capture.onDidCapture((e) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === e.uri.toString());
    if (doc) service.changeNow(doc);
  }));
  const onOpen = (doc: vscode.TextDocument): void => service.open(doc);
  // The hook offer waits for the first analysed file: no git calls before one is opened.
  s.own(
    service.onDidAnalyse((r) => {
      const ctx = r.path ? folders.forUri(r.uri) : undefined;
      if (ctx) void s.hooks.check(ctx);
    }),
  );
  s.own(vscode.workspace.onDidOpenTextDocument(onOpen));
  s.own(vscode.workspace.onDidChangeTextDocument((e) => service.change(e)));
  s.own(vscode.workspace.onDidSaveTextDocument((d) => service.save(d)));
  s.own(vscode.workspace.onDidCloseTextDocument((d) => service.close(d)));
  s.own(vscode.workspace.onDidGrantWorkspaceTrust(() => service.refreshAll()));
  s.own(vscode.workspace.onDidChangeWorkspaceFolders(() => service.refreshAll()));
  s.own(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SECTION) && service.refreshAll()));
  // Rules and approvals are re-read when they change on disk (edits, git checkout, pull).
  const watcher = s.own(vscode.workspace.createFileSystemWatcher('**/.foureyes/**'));
  const reload = (): void => service.refreshAll();
  s.own(watcher.onDidChange(reload));
  s.own(watcher.onDidCreate(reload));
  s.own(watcher.onDidDelete(reload));
  for (const doc of vscode.workspace.textDocuments) onOpen(doc);

  const activationMs = performance.now() - started;
  log.info(`Four Eyes ${s.version} activated in ${activationMs.toFixed(1)} ms (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted: analysis only, no git, no hooks'})`);
  return { service, activationMs, session: s, capture };
}

export function deactivate(): void {
  session?.dispose();
  session = undefined;
}
