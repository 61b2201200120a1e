// Every `foureyes.*` command, registered from this one table (package.json lists the same ids).
// Commands take optional arguments so code actions and tests can skip the prompts.
import * as vscode from 'vscode';
import { errorMessage } from '../core/analyze';
import { addSelfAsSenior, createRulesFile, openRulesFile } from './rules-actions';
import type { Session } from './session';

export interface CommandSpec {
  id: string;
  run(session: Session, ...args: unknown[]): unknown;
}

const uriArg = (a: unknown): vscode.Uri | undefined => (a instanceof vscode.Uri ? a : undefined);
const strings = (a: unknown): string[] | undefined => (Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : typeof a === 'string' ? [a] : undefined);
const str = (a: unknown): string | undefined => (typeof a === 'string' ? a : undefined);

function info(message: string): string {
  void vscode.window.showInformationMessage(`Four Eyes: ${message}`);
  return message;
}

export const COMMANDS: readonly CommandSpec[] = [
  { id: 'foureyes.showOutput', run: (s) => s.channel.show() },
  {
    id: 'foureyes.analyseFile',
    run: async (s) => {
      s.service.refreshAll();
      await s.service.whenIdle();
      return s.service.results().length;
    },
  },
  { id: 'foureyes.showFindings', run: () => vscode.commands.executeCommand('workbench.actions.view.problems') },
  { id: 'foureyes.requestReview', run: (s, uri, fps) => s.review.requestReview(uriArg(uri), strings(fps)) },
  { id: 'foureyes.approve', run: (s, uri, fps, note) => s.review.approve(uriArg(uri), strings(fps), str(note)) },
  { id: 'foureyes.importApproval', run: (s, token, uri) => s.review.importApproval(str(token), uriArg(uri)) },
  { id: 'foureyes.suppressFinding', run: (s, uri, fp, reason) => s.review.suppress(uriArg(uri), str(fp), str(reason)) },
  { id: 'foureyes.openRules', run: (_s, uri) => openRulesFile(uriArg(uri)) },
  { id: 'foureyes.createRules', run: (_s, uri) => createRulesFile(uriArg(uri)) },
  {
    id: 'foureyes.addSenior',
    run: (s, uri) => {
      requireTrust();
      const message = info(addSelfAsSenior(uriArg(uri)));
      s.service.refreshAll();
      return message;
    },
  },
  { id: 'foureyes.hook.install', run: (s, uri) => info(s.hooks.install(uriArg(uri))) },
  { id: 'foureyes.hook.uninstall', run: (s, uri) => info(s.hooks.uninstall(uriArg(uri))) },
  {
    id: 'foureyes.hook.status',
    run: (s, uri) => {
      const st = s.hooks.status(uriArg(uri));
      info(`hook ${st.installed ? 'installed' : 'not installed'} (${st.hookFile})${st.runtimeVersion ? `, runtime ${st.runtimeVersion}` : ''}${st.problems.length ? `; problems: ${st.problems.join('; ')}` : ''}`);
      return st;
    },
  },
];

function requireTrust(): void {
  if (!vscode.workspace.isTrusted) throw new Error('this reads git configuration, which Four Eyes does not do in an untrusted workspace');
}

export function registerCommands(session: Session): void {
  for (const c of COMMANDS) {
    session.own(
      vscode.commands.registerCommand(c.id, async (...args: unknown[]) => {
        try {
          return await c.run(session, ...args);
        } catch (err) {
          const msg = `${c.id}: ${errorMessage(err)}`;
          session.log.error(msg);
          void vscode.window.showErrorMessage(`Four Eyes: ${errorMessage(err)}`);
          throw err;
        }
      }),
    );
  }
}
