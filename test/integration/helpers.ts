// Helpers for suites running inside the extension host.
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { FourEyesApi } from '../../src/extension/extension';

export async function api(): Promise<FourEyesApi> {
  const ext = vscode.extensions.getExtension<FourEyesApi>('foureyes.foureyes');
  assert.ok(ext, 'extension foureyes.foureyes is installed');
  return ext.activate();
}

export function folderUri(index = 0): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[index];
  assert.ok(f, `workspace folder ${index} is open`);
  return f.uri;
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Four Eyes');
}

/** Polls until `check` holds; fails with `what` after `ms` (generous: CI machines are slow). */
export async function waitFor<T>(what: string, check: () => T | undefined | false, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function replaceIn(editor: vscode.TextEditor, from: string, to: string): Promise<void> {
  const text = editor.document.getText();
  const at = text.indexOf(from);
  assert.ok(at >= 0, `"${from}" is in ${editor.document.uri.fsPath}`);
  const range = new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + from.length));
  // A workspace edit, so it applies even when the editor is no longer the visible one.
  const edit = new vscode.WorkspaceEdit();
  edit.replace(editor.document.uri, range, to);
  assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
}

export async function openIn(folder: vscode.Uri, rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, rel));
  return vscode.window.showTextDocument(doc, { preview: false });
}

export function codeValue(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code ? String(d.code.value) : String(d.code);
}
