import * as assert from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, folderUri, openIn, ours, replaceIn, waitFor } from '../helpers';

describe('untrusted workspace', () => {
  it('runs in restricted mode', () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
  });

  it('still analyses and shows diagnostics (baseline: the text at open, no git)', async () => {
    const a = await api();
    const editor = await openIn(folderUri(), 'infra/policy.json');
    await waitFor('the first analysis', () => a.service.result(editor.document.uri));
    assert.strictEqual(a.service.result(editor.document.uri)?.baseline, 'opened');
    await replaceIn(editor, '["s3:GetObject"]', '"*"');
    await waitFor('a Four Eyes diagnostic', () => ours(editor.document.uri).length > 0);
  });

  it('never installs hooks or offers to', async () => {
    const a = await api();
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foureyes.hook.install', folderUri())), /untrusted/);
    assert.ok(!existsSync(path.join(folderUri().fsPath, '.git/hooks/pre-commit')));
    assert.deepStrictEqual(a.session.hooks.offers, []);
  });
});
