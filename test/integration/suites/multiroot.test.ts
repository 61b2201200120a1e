import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { api, folderUri, openIn, ours, replaceIn, waitFor } from '../helpers';

describe('multi-root workspace', () => {
  it('each folder uses its own repository and rules', async () => {
    const a = await api();
    assert.strictEqual(vscode.workspace.workspaceFolders?.length, 2);
    const inA = await openIn(folderUri(0), 'iam/policy.json');
    const inB = await openIn(folderUri(1), 'iam/policy.json');
    await replaceIn(inA, '["s3:GetObject"]', '"*"');
    await replaceIn(inB, '["s3:GetObject"]', '"*"');
    await waitFor('a diagnostic in folder A', () => ours(inA.document.uri).length > 0);
    await a.service.whenIdle();
    await waitFor('folder B analysed', () => (a.service.result(inB.document.uri)?.version ?? 0) >= inB.document.version);
    assert.deepStrictEqual(ours(inB.document.uri), [], 'folder B turns the IAM rules off in its own rules file');
    assert.strictEqual(a.service.result(inA.document.uri)?.path, 'iam/policy.json');
    assert.strictEqual(a.service.result(inA.document.uri)?.baseline, 'head');
  });
});

describe('rules file commands', () => {
  it('creates a starter rules file in a folder without one, and it validates', async () => {
    const a = await api();
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('foureyes.createRules', folderUri(0));
    assert.ok(editor.document.uri.fsPath.endsWith('.foureyes/rules.jsonc'));
    assert.ok(editor.document.uri.fsPath.startsWith(folderUri(0).fsPath));
    assert.match(editor.document.getText(), /seniors/);
    await a.service.whenIdle();
  });
});
