// The VS Code adapter. For now it activates and logs; the extension issue builds the rest.
import * as vscode from 'vscode';
import { registerReviewStatus } from './panel/panel';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Four Eyes', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('foureyes.showOutput', () => log.show()));
  registerReviewStatus(context, log);
  log.info(`Four Eyes ${context.extension.packageJSON.version as string} activated`);
}

export function deactivate(): void {}
