// The native tree beside the panel: Pending, Approvals, Exceptions, from the same status data.
import * as vscode from 'vscode';
import type { StatusFinding, StatusRecord, BypassedCommit, StatusReport } from '../../core/review/report';
import { sortFindings, STATE_LABEL } from './render';

type Node = { kind: 'group'; id: 'pending' | 'approvals' | 'exceptions' } | { kind: 'finding'; f: StatusFinding } | { kind: 'record'; r: StatusRecord } | { kind: 'bypass'; b: BypassedCommit };

const PENDING = new Set(['required', 'stale', 'expired']);

export class StatusTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private report: StatusReport | undefined;

  constructor(private readonly root: () => vscode.Uri | undefined) {}

  update(report: StatusReport): void {
    this.report = report;
    this.changed.fire();
  }

  getChildren(node?: Node): Node[] {
    const r = this.report;
    if (!r) return [];
    if (!node) return [{ kind: 'group', id: 'pending' }, { kind: 'group', id: 'approvals' }, { kind: 'group', id: 'exceptions' }];
    if (node.kind !== 'group') return [];
    if (node.id === 'pending') return sortFindings(r.findings.filter((f) => PENDING.has(f.state))).map((f) => ({ kind: 'finding', f }));
    if (node.id === 'approvals') return r.records.filter((x) => x.kind === 'approval').map((x) => ({ kind: 'record', r: x }));
    return [...r.records.filter((x) => x.kind === 'break-glass').map((x): Node => ({ kind: 'record', r: x })), ...(r.bypassed ?? []).map((b): Node => ({ kind: 'bypass', b }))];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const n = this.getChildren(node).length;
      const label = node.id === 'pending' ? 'Pending review' : node.id === 'approvals' ? 'Approvals' : 'Exceptions';
      const item = new vscode.TreeItem(label, node.id === 'pending' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.description = String(n);
      item.id = `group:${node.id}`;
      return item;
    }
    if (node.kind === 'finding') {
      const f = node.f;
      const item = new vscode.TreeItem(`${f.path}:${f.line}`);
      item.id = `finding:${f.fingerprint}`;
      item.description = `${f.severity} · ${STATE_LABEL[f.state] ?? f.state}${f.aiOrigin && f.aiOrigin !== 'unknown' ? ` · AI: ${f.aiOrigin}` : ''}`;
      item.tooltip = `${f.message}\n${f.ruleId}`;
      item.iconPath = new vscode.ThemeIcon(f.severity === 'critical' || f.severity === 'high' ? 'error' : 'warning');
      const base = this.root();
      if (base) item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.joinPath(base, f.path), { selection: new vscode.Range(f.line - 1, 0, f.line - 1, 0) }] };
      return item;
    }
    if (node.kind === 'record') {
      const x = node.r;
      const glass = x.kind === 'break-glass';
      const item = new vscode.TreeItem(glass ? `break-glass by ${x.author ?? '?'}` : `${x.reviewer ?? '?'} approved ${x.author ?? '?'}`);
      item.id = `record:${x.path}`;
      item.description = `${(x.createdAt ?? '').slice(0, 10)} · ${x.staleFingerprints?.length ? 'stale' : x.state}`;
      item.tooltip = x.note ?? '';
      item.iconPath = new vscode.ThemeIcon(glass ? 'flame' : x.staleFingerprints?.length ? 'history' : x.state === 'valid' ? 'pass' : 'watch');
      return item;
    }
    const b = node.b;
    const item = new vscode.TreeItem(`bypassed: ${b.subject}`);
    item.id = `bypass:${b.commit}`;
    item.description = `${b.commit.slice(0, 8)} · ${b.author}`;
    item.iconPath = new vscode.ThemeIcon('debug-step-over');
    return item;
  }
}
