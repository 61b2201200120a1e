// What the editor shows from analysis results: diagnostics, hover, quick fixes, the status bar
// item, and the read-only baseline documents that related information points at.
import * as vscode from 'vscode';
import type { DocumentResult } from './analysis-service';
import { BASELINE_SCHEME, DIAGNOSTIC_SOURCE, hoverMarkdown, needsReview, toDiagnostic, toRange } from './presentation';
import type { Session } from './session';

export function registerEditorUi(session: Session): void {
  const { service, context } = session;
  const diagnostics = session.own(vscode.languages.createDiagnosticCollection('foureyes'));
  const status = session.own(vscode.window.createStatusBarItem('foureyes.status', vscode.StatusBarAlignment.Left, 50));
  status.name = 'Four Eyes';
  status.command = 'foureyes.showFindings';

  const updateStatus = (): void => {
    const all = service.results().flatMap((r) => r.findings);
    const pending = all.filter(needsReview).length;
    if (!all.length) {
      status.hide();
      return;
    }
    status.text = pending ? `$(eye) ${pending} need review` : '$(pass) Four Eyes';
    status.tooltip = pending ? `Four Eyes: ${pending} finding(s) in open files need a senior's review before commit` : `Four Eyes: ${all.length} finding(s), none needing review`;
    status.backgroundColor = pending ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    status.show();
  };

  session.own(
    service.onDidAnalyse((r: DocumentResult) => {
      diagnostics.set(r.uri, r.findings.map((f) => toDiagnostic(r, f, context.extensionUri)));
      updateStatus();
    }),
  );

  session.own(
    vscode.workspace.registerTextDocumentContentProvider(BASELINE_SCHEME, {
      provideTextDocumentContent: (uri) => service.result(vscode.Uri.parse(uri.query))?.baselineText ?? '',
    }),
  );

  const selector: vscode.DocumentSelector = { scheme: 'file' };
  session.own(
    vscode.languages.registerHoverProvider(selector, {
      provideHover(doc, pos) {
        const r = service.result(doc.uri);
        const hits = r?.findings.filter((f) => toRange(f.finding.range).contains(pos)) ?? [];
        if (!hits.length) return undefined;
        return new vscode.Hover(hits.map((h) => hoverMarkdown(h, context.extensionUri, doc.uri)), toRange(hits[0].finding.range));
      },
    }),
  );

  session.own(
    vscode.languages.registerCodeActionsProvider(
      selector,
      {
        provideCodeActions(doc, range, ctx) {
          const ours = ctx.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
          const r = service.result(doc.uri);
          const folder = session.folders.forUri(doc.uri);
          if (!r || !folder) return [];
          const hits = r.findings.filter((f) => toRange(f.finding.range).intersection(range) !== undefined);
          if (!hits.length) return [];
          const pending = hits.filter(needsReview);
          const fps = pending.map((h) => h.finding.fingerprint);
          const actions: vscode.CodeAction[] = [];
          const add = (title: string, command: string, args: unknown[]): void => {
            const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
            a.command = { title, command, arguments: args };
            a.diagnostics = ours;
            actions.push(a);
          };
          if (pending.length) {
            add('Four Eyes: Request senior review', 'foureyes.requestReview', [doc.uri, fps]);
            const senior = session.review.seniorFor(folder);
            if (senior) add(`Four Eyes: Approve as senior (${senior.id})`, 'foureyes.approve', [doc.uri, fps]);
            add('Four Eyes: Import approval token', 'foureyes.importApproval', [undefined, doc.uri]);
          }
          add('Four Eyes: Suppress with a justification (needs review)', 'foureyes.suppressFinding', [doc.uri, hits[0].finding.fingerprint]);
          add('Four Eyes: Open rules file', 'foureyes.openRules', [doc.uri]);
          return actions;
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );

  session.own(
    vscode.workspace.onDidCloseTextDocument((doc) => {
      diagnostics.delete(doc.uri);
      updateStatus();
    }),
  );
}
