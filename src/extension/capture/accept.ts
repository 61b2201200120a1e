// The Four Eyes accept commands: bound to Tab / Ctrl+Right with the built-in `when` clauses, they
// run VS Code's own accept command and mark exactly what it inserted as `inline-completion`.
import * as vscode from 'vscode';
import { changedSpan } from './classify';
import type { CaptureSettings, DocumentTracker } from './tracker';

export const ACCEPT_COMMANDS: ReadonlyArray<{ id: string; builtin: string; title: string }> = [
  { id: 'foureyes.acceptInlineSuggestion', builtin: 'editor.action.inlineSuggest.commit', title: 'Accept Inline Suggestion (recording AI origin)' },
  { id: 'foureyes.acceptNextInlineWord', builtin: 'editor.action.inlineSuggest.acceptNextWord', title: 'Accept Next Word of Inline Suggestion (recording AI origin)' },
  { id: 'foureyes.acceptNextInlineLine', builtin: 'editor.action.inlineSuggest.acceptNextLine', title: 'Accept Next Line of Inline Suggestion (recording AI origin)' },
];

export function registerAcceptCommands(tracker: DocumentTracker, settings: () => CaptureSettings): vscode.Disposable[] {
  return ACCEPT_COMMANDS.map((c) =>
    vscode.commands.registerCommand(c.id, async (...args: unknown[]) => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !settings().inlineCompletions) return vscode.commands.executeCommand(c.builtin, ...args);
      const doc = editor.document;
      const before = doc.getText();
      const result = await tracker.whileAccepting(doc, () => vscode.commands.executeCommand(c.builtin, ...args));
      const span = changedSpan(before, doc.getText());
      tracker.mark(doc, span.start, span.end, 'inline-completion');
      return result;
    }),
  );
}
