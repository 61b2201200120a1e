// AI-origin capture in a real VS Code: accepted inline completions, chat edits to unfocused
// documents, files written on disk, and what must not count (paste, undo, git checkout).
import * as assert from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readProvenance } from '../../../src/core/provenance';
import { api, folderUri, openIn, ours, waitFor } from '../helpers';

const SUGGESTION = '"Action": "*",';

function gitDir(root: string): string {
  return execFileSync('git', ['rev-parse', '--absolute-git-dir'], { cwd: root, encoding: 'utf8' }).trim();
}

function recordOrigins(root: string, rel: string): string[] {
  return (readProvenance(gitDir(root))?.files[rel] ?? []).map((e) => e.origin);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('capture', function () {
  this.timeout(60_000);
  let provider: vscode.Disposable | undefined;
  let offered = '';
  before(async () => {
    await api();
    provider = vscode.languages.registerInlineCompletionItemProvider({ pattern: '**/*.json' }, {
      provideInlineCompletionItems: (_doc, pos) => (offered ? [new vscode.InlineCompletionItem(offered, new vscode.Range(pos, pos))] : []),
    });
  });
  after(() => provider?.dispose());

  /** Fixture files are committed with an empty line where the statement's Action was. */
  async function editorAtBlankLine(rel: string): Promise<vscode.TextEditor> {
    const editor = await openIn(folderUri(), rel);
    const line = editor.document.getText().split('\n').findIndex((l) => l === '      ');
    assert.ok(line > 0, `${rel} has the empty line`);
    editor.selection = new vscode.Selection(line, 6, line, 6);
    return editor;
  }

  async function showSuggestion(text: string): Promise<void> {
    offered = text;
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await sleep(400);
  }

  it('marks an accepted inline completion and its diagnostic says AI-suggested', async () => {
    const a = await api();
    const editor = await editorAtBlankLine('infra/ai-accept.json');
    await showSuggestion(SUGGESTION);
    await vscode.commands.executeCommand('foureyes.acceptInlineSuggestion');
    assert.ok(editor.document.getText().includes(SUGGESTION), 'the suggestion was inserted');
    const ranges = a.capture.rangesOf(editor.document.uri);
    assert.deepStrictEqual(ranges.map((r) => [r.origin, editor.document.getText(r.range)]), [['inline-completion', SUGGESTION]]);
    const d = await waitFor('an AI-origin diagnostic', () => ours(editor.document.uri).find((x) => /AI-suggested \(inline completion\)/.test(x.message)), 10_000);
    assert.ok(d);
    a.capture.flush();
    assert.deepStrictEqual(recordOrigins(folderUri().fsPath, 'infra/ai-accept.json'), ['inline-completion']);
  });

  it('accept-word and accept-line mark only what they inserted', async () => {
    const a = await api();
    const editor = await editorAtBlankLine('infra/ai-word.json');
    await showSuggestion('"Action": "*",\n      "Condition": {},');
    await vscode.commands.executeCommand('foureyes.acceptNextInlineWord');
    const afterWord = a.capture.rangesOf(editor.document.uri).map((r) => editor.document.getText(r.range));
    assert.strictEqual(afterWord.length, 1);
    assert.ok(SUGGESTION.startsWith(afterWord[0]) && afterWord[0].length < SUGGESTION.length, `word: ${afterWord[0]}`);
    await vscode.commands.executeCommand('foureyes.acceptNextInlineLine');
    const afterLine = a.capture.rangesOf(editor.document.uri).map((r) => editor.document.getText(r.range));
    assert.ok(afterLine.join('').length > afterWord[0].length, `line: ${JSON.stringify(afterLine)}`);
    assert.ok(!afterLine.join('').includes('Condition'), 'the second line was not accepted');
  });

  it('undo of an AI insertion removes its provenance', async () => {
    const a = await api();
    const editor = await editorAtBlankLine('infra/ai-undo.json');
    await showSuggestion(SUGGESTION);
    await vscode.commands.executeCommand('foureyes.acceptInlineSuggestion');
    assert.strictEqual(a.capture.rangesOf(editor.document.uri).length, 1);
    await vscode.commands.executeCommand('undo');
    assert.ok(!editor.document.getText().includes(SUGGESTION));
    assert.deepStrictEqual(a.capture.rangesOf(editor.document.uri), []);
    a.capture.flush();
    assert.deepStrictEqual(recordOrigins(folderUri().fsPath, 'infra/ai-undo.json'), []);
  });

  it('a workspace edit to an unfocused document is a chat edit', async () => {
    const a = await api();
    const target = await openIn(folderUri(), 'infra/policy.json');
    await openIn(folderUri(), 'README.txt');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(target.document.uri, new vscode.Position(6, 0), '      "NotAction": "iam:*",\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    // The first edit of a clean document waits for its dirty state before it is classified.
    const ranges = await waitFor('a chat-edit range', () => (a.capture.rangesOf(target.document.uri).length ? a.capture.rangesOf(target.document.uri) : undefined), 5000);
    assert.deepStrictEqual(ranges.map((r) => [r.origin, target.document.getText(r.range)]), [['chat-edit', '      "NotAction": "iam:*",\n']]);
    await vscode.commands.executeCommand('undo');
  });

  it('a paste is not AI-origin', async () => {
    const a = await api();
    const editor = await editorAtBlankLine('infra/paste.json');
    await vscode.env.clipboard.writeText('"Action": "*",\n      "Sid": "Pasted",');
    await vscode.commands.executeCommand('editor.action.clipboardPasteAction');
    await waitFor('the paste', () => editor.document.getText().includes('Pasted'));
    await sleep(500);
    assert.deepStrictEqual(a.capture.rangesOf(editor.document.uri), []);
  });

  it('a file written to disk by another process is agent-write; a git checkout is not', async () => {
    const root = folderUri().fsPath;
    writeFileSync(path.join(root, 'infra/agent.json'), '{\n  "Action": "*"\n}\n');
    await waitFor('an agent-write entry', () => recordOrigins(root, 'infra/agent.json').includes('agent-write'), 10_000);
    const git = (args: string[], env: NodeJS.ProcessEnv = {}, input?: string) => execFileSync('git', args, { cwd: root, encoding: 'utf8', input, env: { ...process.env, ...env } }).trim();
    // A branch that adds a file, made without touching the working tree.
    const blob = git(['hash-object', '-w', '--stdin'], {}, '{\n  "Action": "*"\n}\n');
    const idx = { GIT_INDEX_FILE: path.join(gitDir(root), 'foureyes-test-index') };
    git(['read-tree', 'HEAD'], idx);
    git(['update-index', '--add', '--cacheinfo', `100644,${blob},infra/checkout.json`], idx);
    const tree = git(['write-tree'], idx);
    git(['branch', 'other', git(['commit-tree', tree, '-p', 'HEAD', '-m', 'other'])]);
    git(['checkout', '-q', 'other']);
    await sleep(3000);
    assert.ok(readFileSync(path.join(root, 'infra/checkout.json'), 'utf8').includes('Action'));
    assert.deepStrictEqual(recordOrigins(root, 'infra/checkout.json'), []);
  });
  it('the hook reports the staged finding as AI-origin after lines were added above the AI text', async () => {
    const a = await api();
    const editor = await openIn(folderUri(), 'infra/ai-accept.json');
    assert.ok(editor.document.getText().includes(SUGGESTION), 'the accepted completion is still there');
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), '  "Id": "moved-down",\n  "Comment": "typed by hand",\n'));
    assert.ok(await editor.document.save());
    a.capture.flush();
    const root = folderUri().fsPath;
    execFileSync('git', ['add', 'infra/ai-accept.json'], { cwd: root });
    const cli = path.join(vscode.extensions.getExtension('foureyes.foureyes')!.extensionPath, 'dist/cli.js');
    let out = '';
    try {
      out = execFileSync(process.execPath, [cli, 'check', '--staged', '--format', 'json'], { cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    } catch (err) {
      out = (err as { stdout: string }).stdout;
    }
    const findings = (JSON.parse(out) as { findings: Array<{ path: string; line: number; aiOrigin?: string }> }).findings.filter((f) => f.path === 'infra/ai-accept.json');
    assert.ok(findings.length > 0, out);
    assert.ok(findings.every((f) => f.aiOrigin === 'inline-completion'), out);
  });
});
