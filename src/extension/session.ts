// Everything one activation owns: the log, folders, analysis, presentation and actions. Every
// disposable is registered here, so deactivation releases all of it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { AnalysisService } from './analysis-service';
import { Folders } from './folders';
import { HookActions } from './hook-actions';
import { ReviewActions } from './review-actions';

export class Session implements vscode.Disposable {
  readonly disposables: vscode.Disposable[] = [];
  readonly folders: Folders;
  readonly service: AnalysisService;
  readonly review: ReviewActions;
  readonly hooks: HookActions;
  readonly version: string;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly channel: vscode.LogOutputChannel,
    readonly log: Logger,
  ) {
    this.version = String(context.extension.packageJSON.version);
    const trusted = (): boolean => vscode.workspace.isTrusted;
    this.folders = this.own(new Folders(log, trusted));
    this.service = this.own(new AnalysisService(this.folders, log));
    this.review = new ReviewActions(this.service, this.folders, log, trusted);
    this.hooks = new HookActions(this.folders, path.join(context.extensionUri.fsPath, 'dist'), this.version, context.workspaceState, log, trusted);
  }

  own<T extends vscode.Disposable>(d: T): T {
    this.disposables.push(d);
    return d;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch (err) {
        this.log.error(`dispose failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
