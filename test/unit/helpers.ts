// Shared test helpers: parse a snippet, run the CLI bundle, locate fixtures.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { analyzeChange, type AnalysisResult } from '../../src/core/analyze';
import { detectLanguage } from '../../src/core/languages';
import type { Doc, LanguageId } from '../../src/core/model';
import { parseDocument } from '../../src/core/parse';
import { defaultRules, resolveRules, type ResolvedRules, type RulesConfig } from '../../src/core/rules';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const CLI = path.join(REPO_ROOT, 'dist/cli.js');
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures');

export async function parse(text: string, file: string, language?: LanguageId): Promise<Doc> {
  const lang = language ?? detectLanguage(file, text);
  if (!lang) throw new Error(`no language for ${file}`);
  return parseDocument(file, text, lang);
}

/** Findings a change introduces (before undefined: a new file). */
export async function diffText(file: string, before: string | undefined, after: string, rules: RulesConfig | ResolvedRules = {}): Promise<AnalysisResult> {
  const resolved = 'isIgnored' in rules ? (rules as ResolvedRules) : resolveRules(rules as RulesConfig);
  return analyzeChange({ path: file, before: before ?? null, after }, { rules: resolved, mode: 'diff' });
}

export async function scanText(file: string, text: string, rules: ResolvedRules = defaultRules()): Promise<AnalysisResult> {
  return analyzeChange({ path: file, after: text }, { rules, mode: 'scan' });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
