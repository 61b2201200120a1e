// The "Four Eyes: Review Status" webview panel, its tree view, live refresh and actions.
import { execFile } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseRecord, encodeApprovalToken } from '../../core/review/record';
import type { StatusReport } from '../../core/review/report';
import { parseRules, RULES_FILE } from '../../core/rules';
import { toCsv, toMarkdown, toStatusSarif } from '../../core/status-export';
import { filterStatus } from '../../core/status-filter';
import { panelHtml } from './html';
import { PANEL_VIEW_TYPE, parseFromPanel, type FromPanel, type ToPanel } from './messages';
import { StatusSource } from './status-source';
import { StatusTree } from './tree';

const REFRESH_DELAY_MS = 400;

function repoRoot(): vscode.Uri | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri : undefined;
}

function runCli(extensionPath: string, cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(extensionPath, 'dist', 'cli.js'), ...args], { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, windowsHide: true }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 2) : 0, stdout, stderr }),
    );
  });
}

/** Whether the git user is a senior in the rules file (the approve button is only a convenience: the CLI enforces). */
function isSenior(root: string, cwd: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('git', ['config', 'user.email'], { cwd }, (err, stdout) => {
      if (err) return resolve(false);
      try {
        const rules = parseRules(readFileSync(path.join(root, RULES_FILE), 'utf8'), RULES_FILE);
        const me = stdout.trim().toLowerCase();
        resolve(!!me && (rules.seniors ?? []).some((s) => String(s.id).toLowerCase() === me));
      } catch {
        resolve(false);
      }
    });
  });
}

export class ReviewStatus implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly source: StatusSource;
  private readonly tree: StatusTree;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private dirty = true;
  private readonly view: vscode.TreeView<unknown>;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.source = new StatusSource(context.extensionPath, () => repoRoot()?.fsPath);
    this.tree = new StatusTree(repoRoot);
    const view = vscode.window.createTreeView('foureyes.reviewStatusTree', { treeDataProvider: this.tree, showCollapseAll: true });
    this.view = view as vscode.TreeView<unknown>;
    this.disposables.push(
      view,
      view.onDidChangeVisibility((e) => e.visible && this.dirty && this.schedule(0)),
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.adopt(panel),
      }),
    );
    this.watch();
    if (view.visible) this.schedule(0);
  }

  private watch(): void {
    const root = repoRoot();
    if (!root) return;
    const later = () => this.schedule(REFRESH_DELAY_MS);
    // Files, the index, HEAD and refs (commits, checkouts), and imported approvals.
    for (const glob of ['**/*', '.git/index', '.git/HEAD', '.git/refs/**', '.foureyes/approvals/*']) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, glob));
      w.onDidChange(later);
      w.onDidCreate(later);
      w.onDidDelete(later);
      this.disposables.push(w);
    }
  }

  /** Refreshes now if something shows the data, otherwise when it is shown next. */
  schedule(delay: number): void {
    this.dirty = true;
    if (!this.panel?.visible && !this.treeVisible()) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private treeVisible(): boolean {
    return this.view.visible;
  }

  async refresh(): Promise<StatusReport | undefined> {
    this.dirty = false;
    this.post({ type: 'loading' });
    try {
      const report = await this.source.refresh();
      this.tree.update(report);
      await this.sendStatus(report);
      return report;
    } catch (err) {
      const message = (err as Error).message;
      this.log.error(message);
      this.post({ type: 'error', message });
      return undefined;
    }
  }

  private async sendStatus(report: StatusReport): Promise<void> {
    const root = repoRoot();
    if (!this.panel || !root) return;
    const canApprove = await isSenior(root.fsPath, root.fsPath);
    this.post({ type: 'status', report, now: new Date().toISOString(), canApprove, repo: path.basename(root.fsPath) });
  }

  private post(m: ToPanel): void {
    void this.panel?.webview.postMessage(m);
  }

  show(): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Four Eyes: Review Status', vscode.ViewColumn.Active, {});
    this.adopt(panel);
    return panel;
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const ext = this.context.extensionUri;
    const roots = [vscode.Uri.joinPath(ext, 'media'), vscode.Uri.joinPath(ext, 'dist', 'media')];
    panel.webview.options = { enableScripts: true, localResourceRoots: roots };
    const uri = (...p: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(ext, ...p)).toString();
    panel.webview.html = panelHtml({ cspSource: panel.webview.cspSource, script: uri('dist', 'media', 'panel.js'), css: uri('media', 'panel.css'), codicons: uri('dist', 'media', 'codicons', 'codicon.css') });
    this.panel = panel;
    panel.webview.onDidReceiveMessage((m) => void this.onMessage(parseFromPanel(m)), undefined, this.disposables);
    panel.onDidChangeViewState((e) => e.webviewPanel.visible && this.dirty && this.schedule(0), undefined, this.disposables);
    panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
  }

  private async onMessage(m: FromPanel | undefined): Promise<void> {
    if (!m) return;
    const root = repoRoot();
    switch (m.type) {
      case 'ready':
        if (this.source.last && !this.dirty) await this.sendStatus(this.source.last);
        else await this.refresh();
        return;
      case 'refresh':
        await this.refresh();
        return;
      case 'open': {
        if (!root) return;
        const target = vscode.Uri.joinPath(root, ...m.path.split('/'));
        // Only files inside the repository: the path came from data the repository controls.
        if (!target.fsPath.startsWith(root.fsPath + path.sep)) return;
        const pos = new vscode.Position(Math.max(0, m.line - 1), Math.max(0, (m.column ?? 1) - 1));
        await vscode.window.showTextDocument(target, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One, preview: false });
        return;
      }
      case 'requestReview': {
        if (!root) return;
        const r = await runCli(this.context.extensionPath, root.fsPath, ['request', '--staged']);
        const token = /foureyes-request:\S+/.exec(r.stdout)?.[0];
        if (!token) {
          void vscode.window.showErrorMessage(`Four Eyes: request review failed: ${(r.stderr || r.stdout).trim().split('\n')[0] || 'no request token (stage the change first)'}`);
          return;
        }
        await vscode.env.clipboard.writeText(token);
        void vscode.window.showInformationMessage('Four Eyes: review request copied. Send it to a senior; they run `foureyes review <token> --note ...`.');
        return;
      }
      case 'approve': {
        if (!root) return;
        const note = await vscode.window.showInputBox({ title: 'Approve staged findings', prompt: 'Why is this change acceptable? (signed into the approval)', ignoreFocusOut: true });
        if (!note) return;
        const r = await runCli(this.context.extensionPath, root.fsPath, ['approve', '--staged', '--note', note]);
        if (r.code !== 0) void vscode.window.showErrorMessage(`Four Eyes: approve failed: ${r.stderr.trim().split('\n')[0]}`);
        else void vscode.window.showInformationMessage('Four Eyes: approval recorded; commit it with the change.');
        this.schedule(0);
        return;
      }
      case 'copyToken': {
        if (!root) return;
        const file = vscode.Uri.joinPath(root, ...m.recordPath.split('/'));
        if (!file.fsPath.startsWith(path.join(root.fsPath, '.foureyes', 'approvals') + path.sep)) return;
        try {
          const rec = parseRecord(readFileSync(file.fsPath, 'utf8'));
          if (rec.kind !== 'approval') throw new Error('not an approval');
          await vscode.env.clipboard.writeText(encodeApprovalToken(rec));
          void vscode.window.showInformationMessage('Four Eyes: approval token copied.');
        } catch (err) {
          void vscode.window.showErrorMessage(`Four Eyes: cannot copy the token of ${m.recordPath}: ${(err as Error).message}`);
        }
        return;
      }
      case 'export':
        await this.export(m.format, m.filter);
        return;
    }
  }

  private async export(format: 'markdown' | 'csv' | 'sarif', filter: Extract<FromPanel, { type: 'export' }>['filter']): Promise<void> {
    const report = this.source.last;
    const root = repoRoot();
    if (!report || !root) return;
    const view = filterStatus(report, filter);
    const ext = format === 'markdown' ? 'md' : format === 'csv' ? 'csv' : 'sarif';
    const text = format === 'markdown' ? toMarkdown(view) : format === 'csv' ? toCsv(view.findings) : toStatusSarif(view.findings, String(this.context.extension.packageJSON.version));
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(root, `foureyes-status.${ext}`), filters: { [format.toUpperCase()]: [ext] } });
    if (!target) return;
    try {
      const tmp = `${target.fsPath}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, target.fsPath);
      void vscode.window.showInformationMessage(`Four Eyes: exported ${view.findings.length} finding(s) to ${path.basename(target.fsPath)}`);
    } catch (err) {
      void vscode.window.showErrorMessage(`Four Eyes: export to ${target.fsPath} failed: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export function registerReviewStatus(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): ReviewStatus {
  const status = new ReviewStatus(context, log);
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand('foureyes.openReviewStatus', () => {
      status.show();
    }),
    vscode.commands.registerCommand('foureyes.refreshReviewStatus', () => status.refresh()),
  );
  return status;
}
