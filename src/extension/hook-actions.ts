// The pre-commit hook from the editor, through the core hook module: offer to install it once per
// repository (never silently), install/uninstall/status commands, and keeping the installed
// runtime copy at this extension's version after updates. Never in an untrusted workspace.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../core/analyze';
import { hookLocations, hookStatus, installHook, installRuntime, uninstallHook, warmRuntime, type HookStatus } from '../core/hook';
import type { Logger } from '../core/logger';
import type { FolderContext, Folders } from './folders';
import { readSettings } from './settings';

const DECLINED_KEY = 'foureyes.hook.declined';

/** A `node` to record in the hook: the extension host itself unless it is Electron. */
export function nodeForHook(): string {
  if (!process.versions.electron) return process.execPath;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    if (dir && existsSync(candidate)) return candidate;
  }
  return 'node';
}

export class HookActions {
  private readonly offered = new Set<string>();
  /** Repository roots the install was offered for this session (tests read it). */
  readonly offers: string[] = [];

  constructor(
    private readonly folders: Folders,
    private readonly distDir: string,
    private readonly version: string,
    private readonly state: vscode.Memento,
    private readonly log: Logger,
    private readonly trusted: () => boolean,
  ) {}

  private requireTrust(action: string): void {
    if (!this.trusted()) throw new Error(`${action} is disabled in an untrusted workspace: trust the workspace first`);
  }

  private context(uri?: vscode.Uri): FolderContext {
    const u = uri ?? vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const ctx = u ? this.folders.forUri(u) : undefined;
    if (!ctx?.repo) throw new Error(`${u?.fsPath ?? 'this workspace'} is not in a git repository`);
    return ctx;
  }

  install(uri?: vscode.Uri): string {
    this.requireTrust('Installing the hook');
    const ctx = this.context(uri);
    const loc = hookLocations(ctx.root);
    const nodePath = nodeForHook();
    const r = installHook(loc, { distDir: this.distDir, nodePath, version: this.version });
    warmRuntime(loc, nodePath, { wait: false });
    const msg = `pre-commit hook installed in ${r.hookFile}${r.savedHook ? `; the previous hook is kept as ${r.savedHook} and still runs first` : ''}`;
    this.log.info(msg);
    return msg;
  }

  uninstall(uri?: vscode.Uri): string {
    this.requireTrust('Uninstalling the hook');
    const done = uninstallHook(hookLocations(this.context(uri).root));
    const msg = done.length ? done.join('; ') : 'no Four Eyes hook installed';
    this.log.info(msg);
    return msg;
  }

  status(uri?: vscode.Uri): HookStatus {
    this.requireTrust('Reading the hook status');
    return hookStatus(hookLocations(this.context(uri).root));
  }

  /**
   * Once per repository and session: an installed hook gets its runtime copy refreshed when it is
   * from another version; a missing one is offered (unless declined before).
   */
  async check(ctx: FolderContext): Promise<void> {
    if (!this.trusted() || !ctx.repo || this.offered.has(ctx.root)) return;
    this.offered.add(ctx.root);
    let status: HookStatus;
    let loc;
    try {
      loc = hookLocations(ctx.root);
      status = hookStatus(loc);
    } catch (err) {
      this.log.warn(`${ctx.root}: cannot read the hook status: ${errorMessage(err)}`);
      return;
    }
    if (status.installed) {
      if (status.runtimeVersion !== this.version) {
        try {
          const nodePath = status.nodePath && existsSync(status.nodePath) ? status.nodePath : nodeForHook();
          installRuntime(loc, this.distDir, nodePath, this.version);
          warmRuntime(loc, nodePath, { wait: false });
          this.log.info(`${ctx.root}: hook runtime updated from ${status.runtimeVersion ?? 'none'} to ${this.version}`);
        } catch (err) {
          this.log.error(`${ctx.root}: cannot update the hook runtime: ${errorMessage(err)}`);
        }
      }
      return;
    }
    const declined = this.state.get<string[]>(DECLINED_KEY, []);
    if (!readSettings(ctx.folder?.uri).offerHookInstall || declined.includes(ctx.root)) return;
    this.offers.push(ctx.root);
    const choice = await vscode.window.showInformationMessage(
      `Four Eyes: install the pre-commit hook in ${path.basename(ctx.root)}? Commits with risky changes then need a senior's signed review.`,
      'Install Hook',
      'Not Now',
      "Don't Ask Again",
    );
    if (choice === 'Install Hook') {
      try {
        void vscode.window.showInformationMessage(`Four Eyes: ${this.install(ctx.folder?.uri ?? vscode.Uri.file(ctx.root))}`);
      } catch (err) {
        void vscode.window.showErrorMessage(`Four Eyes: cannot install the hook: ${errorMessage(err)}`);
      }
    } else if (choice === "Don't Ask Again") {
      await this.state.update(DECLINED_KEY, [...declined, ctx.root]);
    }
  }
}
