// The VS Code adapter. For now it activates and logs; the extension issue builds the rest.
import * as vscode from 'vscode';
import { activateCapture } from './capture/activate';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Four Eyes', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('foureyes.showOutput', () => log.show()));
  activateCapture(context, (m) => log.error(m));
  log.info(`Four Eyes ${context.extension.packageJSON.version as string} activated`);
}

export function deactivate(): void {}
