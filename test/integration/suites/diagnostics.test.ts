import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { api, codeValue, folderUri, openIn, ours, replaceIn, waitFor } from '../helpers';

describe('diagnostics, hover and code actions', () => {
  let editor: vscode.TextEditor;

  before(async () => {
    await api();
    editor = await openIn(folderUri(), 'infra/policy.json');
  });

  it('shows nothing for the unchanged file (baseline is HEAD)', async () => {
    const a = await api();
    await waitFor('the first analysis', () => a.service.result(editor.document.uri));
    assert.deepStrictEqual(ours(editor.document.uri), []);
    assert.strictEqual(a.service.result(editor.document.uri)?.baseline, 'head');
  });

  it('an edit that widens the policy produces a diagnostic within a bounded time', async () => {
    await replaceIn(editor, '["s3:GetObject"]', '"*"');
    const diags = await waitFor('a Four Eyes diagnostic', () => {
      const d = ours(editor.document.uri);
      return d.length ? d : undefined;
    });
    // Which IAM rule reports Action '*' is the detector's business; any of them will do here.
    const wildcard = diags.find((d) => codeValue(d).startsWith('iam/aws-'));
    assert.ok(wildcard, `an IAM diagnostic among ${diags.map(codeValue).join(', ')}`);
    assert.strictEqual(wildcard.severity, vscode.DiagnosticSeverity.Error);
    assert.match(wildcard.message, /needs senior review/);
    const code = wildcard.code as { value: string; target: vscode.Uri };
    assert.ok(code.target.path.endsWith(`docs/rules/${code.value}.md`), code.target.path);
    assert.strictEqual(wildcard.range.start.line, 3, 'the widened statement');
    const related = wildcard.relatedInformation?.[0];
    assert.ok(related, 'related information points at the before state');
    assert.strictEqual(related.location.uri.scheme, 'foureyes-baseline');
    assert.match(related.message, /s3:GetObject/);
    const baseline = await vscode.workspace.openTextDocument(related.location.uri);
    assert.match(baseline.getText(), /"s3:GetObject"/);
  });

  it('hover shows the full explanation and the review state', async () => {
    const d = ours(editor.document.uri)[0];
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, d.range.start.translate(0, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /Four Eyes/);
    assert.match(text, /iam\/aws-/);
    assert.match(text, /Review:\*\* needs senior review/);
  });

  it('code actions offer request, approve as senior, import, suppress and the rules file', async () => {
    const d = ours(editor.document.uri)[0];
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, d.range);
    const titles = actions.map((a) => a.title);
    for (const t of ['Request senior review', 'Approve as senior (alice@example.com)', 'Import approval token', 'Suppress with a justification', 'Open rules file']) {
      assert.ok(titles.some((x) => x.includes(t)), `"${t}" in ${titles.join(' | ')}`);
    }
  });

  it('request review copies a request with the token to the clipboard', async () => {
    const text = await vscode.commands.executeCommand<string>('foureyes.requestReview', editor.document.uri);
    assert.match(text, /foureyes-request:/);
    assert.match(text, /infra\/policy\.json/);
    assert.strictEqual(await vscode.env.clipboard.readText(), text);
  });

  it('an edit that narrows the policy again clears the diagnostics', async () => {
    await replaceIn(editor, '"*"', '["s3:GetObject"]');
    await waitFor('the diagnostics to clear', () => ours(editor.document.uri).length === 0);
  });
});
