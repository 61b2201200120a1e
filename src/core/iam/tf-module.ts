// The rest of a Terraform module, as far as a policy in one `.tf` file depends on it: the other
// `aws_iam_policy_document` data sources of the module (same directory) that `source_policy_documents`
// / `override_policy_documents` / `source_json` / `override_json` name, and the repository files that
// `file()` / `templatefile()` read. Paths are resolved relative to the `.tf` file (or
// `${path.module}`), never outside the repository, and only small files are read.
import * as path from 'node:path';
import { resolve, type Doc, type Node, type Opaque } from '../model';

/** What one side (before or after) of the module provides. */
export interface ModuleSide {
  /** Repo-relative path of the `.tf` file being analysed. */
  path: string;
  /** The other `.tf` files of the module on this side. */
  docs: readonly Doc[];
  /** A repository file on this side, parsed; undefined when it is not there (or was not provided). */
  file(repoPath: string): Doc | undefined;
}

/** Policy files are a few KB (AWS caps a managed policy at 6,144 characters); larger files are not read. */
export const MAX_POLICY_FILE_CHARS = 256 * 1024;
const MAX_MODULE_FILES = 200;

const FILE_CALL = /\b(?:file|templatefile)\(\s*"((?:\$\{path\.module\}\/)?[^"$]+)"/g;
const MERGE_ATTR = /\b(source_policy_documents|override_policy_documents|source_json|override_json)\b/;

function dirOf(p: string): string {
  const d = path.posix.dirname(p);
  return d === '.' ? '' : d;
}

/**
 * The repo-relative path a `file()`/`templatefile()` argument names, or undefined when it is not a
 * literal (a variable, `${path.root}`) or leaves the repository.
 */
export function moduleFilePath(tfPath: string, arg: Node | undefined): string | undefined {
  if (!arg) return undefined;
  const n = resolve(arg);
  let raw: string | undefined;
  if (n.kind === 'string') raw = n.value;
  else if (n.kind === 'opaque') raw = /^"\$\{path\.module\}\/([^"$]+)"$/.exec(n.text)?.[1];
  return raw === undefined ? undefined : joinInRepo(tfPath, raw.replace(/^\$\{path\.module\}\//, ''));
}

function joinInRepo(tfPath: string, rel: string): string | undefined {
  if (!rel || path.posix.isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel) || rel.includes('\\')) return undefined;
  const joined = path.posix.normalize(path.posix.join(dirOf(tfPath), rel));
  if (joined === '..' || joined.startsWith('../') || joined.startsWith('/')) return undefined;
  return joined;
}

/**
 * What a `.tf` file's policies may read from the rest of the repository, before any path list is
 * known: the repo-relative files its `file()`/`templatefile()` calls name, and its own directory
 * when it merges `aws_iam_policy_document`s (those may live in the module's other `.tf` files).
 * Undefined when it reads nothing: the common case, for which callers gather no other files.
 */
export function terraformModuleReferences(tfPath: string, texts: readonly string[]): { files: string[]; dir?: string } | undefined {
  if (!/\.tf$/i.test(tfPath)) return undefined;
  const files = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(FILE_CALL)) {
      const p = joinInRepo(tfPath, m[1].replace(/^\$\{path\.module\}\//, ''));
      if (p && p !== tfPath) files.add(p);
    }
  }
  const merges = texts.some((t) => MERGE_ATTR.test(t) && t.includes('aws_iam_policy_document'));
  if (!files.size && !merges) return undefined;
  return { files: [...files].slice(0, MAX_MODULE_FILES), ...(merges ? { dir: dirOf(tfPath) } : {}) };
}

/** The other files a `.tf` file's policies may read, chosen from the paths the caller can provide. */
export function terraformModuleSiblings(tfPath: string, paths: readonly string[], texts: readonly string[]): string[] {
  if (!/\.tf$/i.test(tfPath)) return [];
  const available = new Set(paths);
  const out = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(FILE_CALL)) {
      const p = joinInRepo(tfPath, m[1].replace(/^\$\{path\.module\}\//, ''));
      if (p && available.has(p) && p !== tfPath) out.add(p);
    }
  }
  if (texts.some((t) => MERGE_ATTR.test(t) && t.includes('aws_iam_policy_document'))) {
    const dir = dirOf(tfPath);
    for (const p of paths) if (p !== tfPath && /\.tf$/i.test(p) && dirOf(p) === dir) out.add(p);
  }
  return [...out].slice(0, MAX_MODULE_FILES);
}

/** `file("x")` / `templatefile("x", {...})`. */
export function isFileCall(n: Node): n is Opaque {
  return n.kind === 'opaque' && (n.callee === 'file' || n.callee === 'templatefile');
}

/** `data.aws_iam_policy_document.<name>.json` -> `<name>`. */
export function policyDocumentRef(n: Node): string | undefined {
  return n.kind === 'opaque' && !n.callee ? /^data\.aws_iam_policy_document\.([\w-]+)\.(?:minified_)?json$/.exec(n.text.trim())?.[1] : undefined;
}
