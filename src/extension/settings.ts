// The `foureyes.*` settings, read per resource so multi-root folders can differ.
import * as vscode from 'vscode';

export interface Settings {
  enable: boolean;
  debounceMs: number;
  maxFileBytes: number;
  ruleDocsBaseUrl: string;
  offerHookInstall: boolean;
}

export const SECTION = 'foureyes';

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    enable: c.get<boolean>('enable', true),
    debounceMs: Math.max(0, c.get<number>('debounceMs', 300)),
    maxFileBytes: Math.max(1024, c.get<number>('maxFileBytes', 1024 * 1024)),
    ruleDocsBaseUrl: c.get<string>('ruleDocsBaseUrl', ''),
    offerHookInstall: c.get<boolean>('hook.offerInstall', true),
  };
}
