// Listing the files under a directory the way a scan should see them.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/** Directories never worth descending into: VCS metadata, dependencies, build output. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '.terraform', '.venv', 'venv', '__pycache__', '.vscode-test', 'dist', 'out', 'build', 'target']);

/**
 * Regular files under `dir`, as paths relative to `dir` with forward slashes, sorted. Symlinks
 * are not followed: a link to outside the tree must not pull outside files into a scan.
 */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const stack: string[] = [''];
  while (stack.length) {
    const rel = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) stack.push(childRel);
      } else if (e.isFile()) {
        out.push(childRel);
      }
    }
  }
  return out.sort();
}

export function isDirectory(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The repository root above `from`: the nearest directory holding `.git` (a directory, or a file
 * in worktrees and submodules). Undefined outside a repository.
 */
export function findRepoRoot(from: string): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
