import * as assert from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, folderUri, openIn, ours, replaceIn, waitFor } from '../helpers';

describe('review in the editor', () => {
  it('approving as a senior marks the finding approved', async () => {
    const a = await api();
    const editor = await openIn(folderUri(), 'infra/policy.json');
    await replaceIn(editor, '"arn:aws:s3:::reports-bucket/*"', '"*"');
    await waitFor('a finding needing review', () => ours(editor.document.uri).some((d) => /needs senior review/.test(d.message)));
    const file = await vscode.commands.executeCommand<string>('foureyes.approve', editor.document.uri, undefined, 'reviewed in the integration test');
    assert.match(file, /^\.foureyes\/approvals\/.+\.json$/);
    assert.ok(existsSync(path.join(folderUri().fsPath, file)));
    const diags = await waitFor('the approved review state', () => {
      const d = ours(editor.document.uri);
      return d.length && d.every((x) => /approved by alice@example\.com/.test(x.message)) ? d : undefined;
    });
    assert.ok(diags.length >= 1);
    await a.service.whenIdle();
  });

  it('a justified suppression goes into the rules file and hides the finding', async () => {
    const a = await api();
    const editor = await openIn(folderUri(), 'infra/policy.json');
    await replaceIn(editor, '["s3:GetObject"]', '["s3:GetObject", "s3:PutObject"]');
    const f = await waitFor('a new finding needing review', () => a.service.result(editor.document.uri)?.findings.find((x) => x.state === 'required'));
    await vscode.commands.executeCommand('foureyes.suppressFinding', editor.document.uri, f.finding.fingerprint, 'uploads are part of the report job');
    const rules = readFileSync(path.join(folderUri().fsPath, '.foureyes/rules.jsonc'), 'utf8');
    assert.match(rules, /"suppress"/);
    assert.match(rules, /uploads are part of the report job/);
    assert.match(rules, /^\/\/ Integration-test rules\./, 'comments are kept');
    await waitFor('the suppressed finding to disappear', () => !a.service.result(editor.document.uri)?.findings.some((x) => x.finding.fingerprint === f.finding.fingerprint));
  });
});
