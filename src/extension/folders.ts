// Per workspace folder: its repository, its rules, the review policy (the rules at HEAD, as the
// hook judges) and the approval records in its working tree. Multi-root workspaces get one
// context per folder. In an untrusted workspace git is never run: a repository's config can name
// programs git would execute.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../core/analyze';
import { authorIdent, readObjects, repoInfo, type RepoInfo } from '../core/git';
import type { Logger } from '../core/logger';
import { APPROVALS_DIR } from '../core/review/record';
import type { RecordFile } from '../core/review/policy';
import { defaultRules, loadRulesFile, parseRules, RULES_FILE, type ResolvedRules, type RulesConfig } from '../core/rules';

export interface FolderContext {
  folder?: vscode.WorkspaceFolder;
  /** What finding paths are relative to: the repository root, else the folder. */
  root: string;
  repo?: RepoInfo;
  rules: ResolvedRules;
  rulesError?: string;
  /** The rules the review policy is judged by: the committed (HEAD) rules file when there is one. */
  policy: RulesConfig;
  records: RecordFile[];
  /** Who the next commit is authored by (empty when unknown). */
  author: string;
}

export class Folders implements vscode.Disposable {
  private readonly cache = new Map<string, FolderContext>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly log: Logger,
    private readonly trusted: () => boolean,
  ) {}

  /** The context for a file; undefined for documents that are not files on disk. */
  forUri(uri: vscode.Uri): FolderContext | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const base = folder?.uri.fsPath ?? path.dirname(uri.fsPath);
    const key = `${this.trusted() ? 't' : 'u'}:${base}`;
    let ctx = this.cache.get(key);
    if (!ctx) {
      ctx = this.load(base, folder);
      this.cache.set(key, ctx);
    }
    return ctx;
  }

  /** The repo-relative path of a file in its context, forward slashes. */
  relativePath(ctx: FolderContext, uri: vscode.Uri): string {
    return path.relative(ctx.root, uri.fsPath).split(path.sep).join('/');
  }

  invalidate(): void {
    this.cache.clear();
    this.changed.fire();
  }

  private load(base: string, folder: vscode.WorkspaceFolder | undefined): FolderContext {
    let repo: RepoInfo | undefined;
    let author = '';
    if (this.trusted()) {
      try {
        repo = repoInfo(base);
        author = authorIdent(base).email;
      } catch (err) {
        this.log.debug(`${base}: not a git repository (${errorMessage(err)}); baselines are the text at open`);
      }
    }
    const root = repo?.root ?? base;
    const rulesPath = path.join(root, RULES_FILE);
    let rules = defaultRules();
    let rulesError: string | undefined;
    if (existsSync(rulesPath)) {
      try {
        rules = loadRulesFile(rulesPath);
      } catch (err) {
        rulesError = errorMessage(err);
        this.log.error(`rules file error, using the built-in defaults: ${rulesError}`);
      }
    }
    let policy = rules.config;
    if (repo?.head) {
      try {
        const committed = readObjects(root, [`HEAD:${RULES_FILE}`]).get(`HEAD:${RULES_FILE}`);
        if (committed) policy = parseRules(committed.toString('utf8').replace(/^\uFEFF/, ''), `${RULES_FILE} at HEAD`);
      } catch (err) {
        this.log.warn(`cannot read ${RULES_FILE} at HEAD (${errorMessage(err)}); judging reviews by the working-tree rules`);
      }
    }
    this.log.info(`folder ${root}: ${repo ? `git repository${repo.head ? ` at ${repo.head.slice(0, 12)}` : ' without commits'}` : 'no repository'}, rules ${rules.source ?? 'built-in defaults'}`);
    return { folder, root, repo, rules, rulesError, policy, records: readRecords(root), author };
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function readRecords(root: string): RecordFile[] {
  const dir = path.join(root, ...APPROVALS_DIR.split('/'));
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: RecordFile[] = [];
  for (const n of names.sort()) {
    try {
      out.push({ path: `${APPROVALS_DIR}/${n}`, mode: '100644', text: readFileSync(path.join(dir, n), 'utf8') });
    } catch {
      // A record that vanished between listing and reading is simply not there.
    }
  }
  return out;
}
