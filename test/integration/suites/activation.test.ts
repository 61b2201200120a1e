import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { api } from '../helpers';

describe('activation', () => {
  it('activates, registers every contributed command and reports its activation time', async () => {
    const a = await api();
    assert.ok(a.activationMs >= 0);
    console.log(`    activation took ${a.activationMs.toFixed(1)} ms`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const ext = vscode.extensions.getExtension('foureyes.foureyes')!;
    const contributed = (ext.packageJSON.contributes.commands as Array<{ command: string; category: string }>);
    assert.ok(contributed.length >= 10);
    for (const c of contributed) {
      assert.ok(registered.has(c.command), `${c.command} is registered`);
      assert.strictEqual(c.category, 'Four Eyes');
      assert.ok(c.command.startsWith('foureyes.'));
    }
  });
});
