// How findings look in the editor: diagnostics (severity, rule link, review state, related
// before state) and the hover text with the full explanation and blast radius.
import * as vscode from 'vscode';
import type { FindingRange, Severity } from '../core/findings';
import type { ReviewedFinding } from '../core/review/policy';
import type { DocumentResult } from './analysis-service';
import { readSettings } from './settings';

export const DIAGNOSTIC_SOURCE = 'Four Eyes';
export const BASELINE_SCHEME = 'foureyes-baseline';

export function toRange(r: FindingRange): vscode.Range {
  return new vscode.Range(Math.max(0, r.startLine - 1), Math.max(0, r.startColumn - 1), Math.max(0, r.endLine - 1), Math.max(0, r.endColumn - 1));
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  critical: vscode.DiagnosticSeverity.Error,
  high: vscode.DiagnosticSeverity.Error,
  medium: vscode.DiagnosticSeverity.Warning,
  low: vscode.DiagnosticSeverity.Information,
};

const AI_ORIGIN: Record<string, string> = {
  'inline-completion': 'AI-suggested (inline completion)',
  'chat-edit': 'AI-suggested (chat edit)',
  'agent-write': 'AI-suggested (agent write)',
  paste: 'paste',
  unknown: 'unknown origin',
};

export function reviewLabel(r: ReviewedFinding): string {
  switch (r.state) {
    case 'required':
      return r.required > 1 ? `needs ${r.required} senior reviews` : 'needs senior review';
    case 'approved':
      return `approved by ${r.approvedBy.join(', ')}`;
    case 'stale':
      return 'approval stale: the flagged content changed since it was approved';
    case 'expired':
      return 'approval expired: needs a new review';
    case 'break-glass':
      return 'let through by break-glass: review afterwards';
    case 'not-required':
      return 'no review needed';
  }
}

export function needsReview(r: ReviewedFinding): boolean {
  return r.state === 'required' || r.state === 'stale' || r.state === 'expired';
}

export function ruleDocUri(ruleId: string, extensionUri: vscode.Uri, scope?: vscode.Uri): vscode.Uri {
  const base = readSettings(scope).ruleDocsBaseUrl.trim();
  if (base) return vscode.Uri.parse(`${base.replace(/\/+$/, '')}/${ruleId}.md`);
  const parts = ruleId.split('/');
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules', ...parts.slice(0, -1), `${parts[parts.length - 1]}.md`);
}

export function baselineUri(doc: vscode.Uri, rel: string): vscode.Uri {
  return vscode.Uri.from({ scheme: BASELINE_SCHEME, path: '/' + rel, query: doc.toString() });
}

export function toDiagnostic(result: DocumentResult, r: ReviewedFinding, extensionUri: vscode.Uri): vscode.Diagnostic {
  const f = r.finding;
  const origin = f.aiOrigin ? `; ${AI_ORIGIN[f.aiOrigin] ?? f.aiOrigin}` : '';
  const d = new vscode.Diagnostic(toRange(f.range), `${f.message} (${reviewLabel(r)}${origin})`, SEVERITY[f.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: f.ruleId, target: ruleDocUri(f.ruleId, extensionUri, result.uri) };
  if (f.beforeRange && result.baselineText !== undefined) {
    const what = result.baseline === 'head' ? 'at HEAD' : 'when the file was opened';
    d.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(baselineUri(result.uri, result.path), toRange(f.beforeRange)), `before (${what}): ${(f.before ?? '').trim().slice(0, 200)}`)];
  }
  return d;
}

export function hoverMarkdown(r: ReviewedFinding, extensionUri: vscode.Uri, scope: vscode.Uri): vscode.MarkdownString {
  const f = r.finding;
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**Four Eyes — ${f.severity}** \`${f.ruleId}\`\n\n`);
  md.appendText(f.message);
  md.appendMarkdown('\n\n');
  if (f.details) {
    md.appendMarkdown('**Blast radius:** ');
    md.appendText(f.details);
    md.appendMarkdown('\n\n');
  }
  if (f.before !== undefined) md.appendMarkdown('Before:\n').appendCodeblock(f.before, 'text');
  if (f.after !== undefined) md.appendMarkdown('After:\n').appendCodeblock(f.after, 'text');
  md.appendMarkdown(`\n**Review:** ${reviewLabel(r)}`);
  if (r.problems.length) md.appendMarkdown(` — ${r.problems.map((p) => p.replace(/[\\`*_[\]]/g, '\\$&')).join('; ')}`);
  if (f.aiOrigin) md.appendMarkdown(`\n\n**Origin:** ${AI_ORIGIN[f.aiOrigin] ?? f.aiOrigin}`);
  md.appendMarkdown(`\n\n[Rule documentation](${ruleDocUri(f.ruleId, extensionUri, scope).toString()})`);
  return md;
}
