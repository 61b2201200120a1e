import * as assert from 'node:assert';
import * as vscode from 'vscode';

describe('activation', () => {
  it('activates and registers its commands', async () => {
    const ext = vscode.extensions.getExtension('foureyes.foureyes');
    assert.ok(ext, 'extension foureyes.foureyes is installed');
    await ext.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('foureyes.showOutput'));
  });
});
