import * as assert from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, folderUri, openIn, waitFor } from '../helpers';

describe('rules file schema', () => {
  it('reports an error for an unknown key in .foureyes/rules.jsonc', async function () {
    const ext = vscode.extensions.getExtension('foureyes.foureyes')!;
    if (!existsSync(path.join(ext.extensionPath, 'schema/rules.schema.json'))) this.skip();
    await api();
    const editor = await openIn(folderUri(), '.foureyes/rules.jsonc');
    const end = editor.document.getText().lastIndexOf('}');
    await editor.edit((b) => b.insert(editor.document.positionAt(end), ',\n  "notARealSetting": true\n'));
    const d = await waitFor('a schema diagnostic', () => vscode.languages.getDiagnostics(editor.document.uri).find((x) => /notARealSetting|not allowed/i.test(x.message)), 20000);
    assert.ok(d);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
