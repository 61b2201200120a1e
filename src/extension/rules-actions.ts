// The rules file from the editor: open it, create a starter one (the CLI's `init`), and add the
// user as a senior with the public half of git's signing key.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import * as vscode from 'vscode';
import { initCommand } from '../cli/commands/init';
import type { CliIO } from '../cli/io';
import { authorIdent } from '../core/git';
import { resolveSigningKey } from '../core/review/sign';
import { parseRules, RULES_FILE, type RulesConfig } from '../core/rules';

export function folderRoot(uri?: vscode.Uri): string {
  const u = uri ?? vscode.window.activeTextEditor?.document.uri;
  const folder = (u && vscode.workspace.getWorkspaceFolder(u)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('open a folder first: the rules file lives at the root of a workspace folder');
  return folder.uri.fsPath;
}

export async function openRulesFile(uri?: vscode.Uri): Promise<vscode.TextEditor | undefined> {
  const file = path.join(folderRoot(uri), RULES_FILE);
  if (!existsSync(file)) {
    const choice = await vscode.window.showInformationMessage(`Four Eyes: ${RULES_FILE} does not exist yet.`, 'Create Starter File');
    if (choice) return createRulesFile(uri);
    return undefined;
  }
  return vscode.window.showTextDocument(vscode.Uri.file(file));
}

/** Writes the CLI's commented starter file (never over an existing one) and opens it. */
export async function createRulesFile(uri?: vscode.Uri): Promise<vscode.TextEditor> {
  const root = folderRoot(uri);
  const file = path.join(root, RULES_FILE);
  if (!existsSync(file)) {
    let err = '';
    const io: CliIO = { cwd: root, env: process.env, stdout: () => undefined, stderr: (t) => (err += t), isTTY: false };
    const code = await initCommand.run(['--dir', root], io);
    if (code !== 0 || !existsSync(file)) throw new Error(`cannot create ${RULES_FILE}: ${err.trim() || `init exited ${code}`}`);
  }
  return vscode.window.showTextDocument(vscode.Uri.file(file));
}

/** Adds `{ id: <git email>, publicKey: <signing key> }` to `seniors` (a change other seniors review). */
export function addSelfAsSenior(uri?: vscode.Uri): string {
  const root = folderRoot(uri);
  const file = path.join(root, RULES_FILE);
  const original = existsSync(file) ? readFileSync(file, 'utf8') : '{\n}\n';
  const config: RulesConfig = parseRules(original, file);
  const key = resolveSigningKey(root, undefined, process.env);
  let publicKey: string;
  try {
    publicKey = `${key.publicKey.type} ${key.publicKey.blob.toString('base64')}`;
  } finally {
    key.cleanup();
  }
  const id = authorIdent(root).email;
  if (!id) throw new Error('git has no user.email here: set it so your approvals name you');
  if ((config.seniors ?? []).some((s) => s.id.toLowerCase() === id.toLowerCase())) return `${id} is already a senior in ${RULES_FILE}`;
  const next = applyEdits(original, modify(original, ['seniors', -1], { id, publicKey }, { isArrayInsertion: true, formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } }));
  parseRules(next, file);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, next);
  renameSync(tmp, file);
  return `added ${id} to the seniors in ${RULES_FILE}; commit it and have an existing senior approve the change`;
}
