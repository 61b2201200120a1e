import * as assert from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HookStatus } from '../../../src/core/hook';
import { api, folderUri } from '../helpers';

describe('pre-commit hook', () => {
  it('was offered (not installed) on first activation in the repository', async () => {
    const a = await api();
    assert.ok(a.session.hooks.offers.includes(folderUri().fsPath), `offered for ${folderUri().fsPath}: ${a.session.hooks.offers.join(', ')}`);
    const st = await vscode.commands.executeCommand<HookStatus>('foureyes.hook.status');
    assert.strictEqual(st.installed, false, 'never installed silently');
  });

  it('installs, reports and uninstalls through the commands', async () => {
    await vscode.commands.executeCommand('foureyes.hook.install');
    const st = await vscode.commands.executeCommand<HookStatus>('foureyes.hook.status');
    assert.strictEqual(st.installed, true);
    const ext = vscode.extensions.getExtension('foureyes.foureyes')!;
    assert.strictEqual(st.runtimeVersion, ext.packageJSON.version);
    const hook = path.join(folderUri().fsPath, '.git/hooks/pre-commit');
    assert.match(readFileSync(hook, 'utf8'), /foureyes/);
    await vscode.commands.executeCommand('foureyes.hook.uninstall');
    assert.strictEqual((await vscode.commands.executeCommand<HookStatus>('foureyes.hook.status')).installed, false);
    assert.ok(!existsSync(hook) || !/foureyes/.test(readFileSync(hook, 'utf8')));
  });
});
