// Installing the pre-commit hook where git really looks (core.hooksPath, worktrees, submodules),
// keeping any existing hook, cooperating with husky, and running a stable copy of the CLI.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { serverStatus, stopServer, type ServerStatus } from './analysis-server-state';
import { writeFileAtomic } from './atomic-write';
import { configGet, gitRaw, GitError } from './git';
import { frameMarkerPrintf, PRELISTED_COMMANDS } from './review/prelisted';

export const HOOK_MARK = '# >>> foureyes >>>';
export const HOOK_END = '# <<< foureyes <<<';
export const SAVED_SUFFIX = '.foureyes-saved';
export const MANAGED_HEADER = '# foureyes-managed pre-commit hook';

/** Single-quotes a string for POSIX sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface HookLocations {
  root: string;
  commonDir: string;
  hooksDir: string;
  hookFile: string;
  runtimeDir: string;
  /** `.husky/pre-commit` when the repository uses husky. */
  huskyFile?: string;
}

export function hookLocations(cwd: string, env?: NodeJS.ProcessEnv): HookLocations {
  const r = gitRaw(['rev-parse', '--show-toplevel', '--git-common-dir', '--git-path', 'hooks'], { cwd, env });
  if (r.code !== 0) throw new GitError(['rev-parse'], r.code, r.stderr || 'not a git working tree');
  const [root, common, hooks] = r.stdout.toString('utf8').split('\n');
  const commonDir = path.resolve(cwd, common);
  const hooksDir = path.resolve(cwd, hooks);
  const hooksPath = configGet(cwd, 'core.hooksPath', env);
  const huskyDir = path.join(root, '.husky');
  const usesHusky = existsSync(huskyDir) && statSync(huskyDir).isDirectory() && (!hooksPath || path.resolve(root, hooksPath).startsWith(huskyDir));
  return {
    root,
    commonDir,
    hooksDir,
    hookFile: path.join(hooksDir, 'pre-commit'),
    runtimeDir: path.join(commonDir, 'foureyes', 'runtime'),
    huskyFile: usesHusky ? path.join(huskyDir, 'pre-commit') : undefined,
  };
}

/** The lines every installed hook carries: find the runner in this repository's git directory. */
export function hookSnippet(): string {
  return [
    HOOK_MARK,
    // Hooks run at the top of the working tree: with a .git directory there and no GIT_DIR, that
    // is the common git directory, and asking git (one more process per commit) is not needed.
    'foureyes_runner=.git/foureyes/runtime/pre-commit.sh',
    'if [ -n "${GIT_DIR:-}" ] || [ ! -d .git ] || [ ! -f "$foureyes_runner" ]; then',
    '  foureyes_runner="$(git rev-parse --git-common-dir)/foureyes/runtime/pre-commit.sh"',
    'fi',
    'if [ -f "$foureyes_runner" ]; then',
    '  sh "$foureyes_runner" || exit $?',
    'else',
    '  echo "foureyes: the Four Eyes runtime is missing from this clone ($foureyes_runner); run \'foureyes hook install\'. Commit blocked." >&2',
    '  exit 1',
    'fi',
    HOOK_END,
  ].join('\n');
}

/**
 * V8 flags of the hook's node. Grammars run as Liftoff (baseline) code only: tiering the large
 * grammars up to TurboFan costs more CPU than a commit's worth of parsing gives back. Every run
 * of hook.js, warming included, passes the same flags: V8 refuses a code cache made under others.
 */
export const HOOK_NODE_FLAGS = ['--liftoff-only'];

/** The runner's git commands as one sh group, each followed by its frame marker (`core/review/prelisted.ts`). */
export function prelistGroup(): string {
  return ['{', ...PRELISTED_COMMANDS.map((args) => `  git ${args.map(shQuote).join(' ')} 2>/dev/null\n  ${frameMarkerPrintf()}`), '}'].join('\n');
}

export function runnerScript(nodePath: string, version: string): string {
  return `#!/bin/sh
# Four Eyes pre-commit runner ${version}, written by 'foureyes hook install'. Runs the copy of the
# CLI beside this file with the node recorded at install time, else the first node on PATH.
# Parameter expansion, not $(dirname): under load every extra process costs a scheduling round.
case $0 in */*) foureyes_dir=\${0%/*} ;; *) foureyes_dir=. ;; esac
foureyes_node=${shQuote(nodePath)}
if [ ! -x "$foureyes_node" ]; then
  foureyes_node=$(command -v node 2>/dev/null || true)
fi
if [ -z "$foureyes_node" ]; then
  echo ${shQuote(`foureyes: cannot run the review check: node is not at ${nodePath} (recorded at install) nor on PATH. Install Node 20+ or re-run 'foureyes hook install'. Commit blocked.`)} >&2
  exit 1
fi
# git lists the staged change while node starts (on the other core); the hook reads it on stdin.
export FOUREYES_GRAMMAR_DIR="$foureyes_dir/grammars"
${prelistGroup()} | exec "$foureyes_node" ${HOOK_NODE_FLAGS.join(' ')} "$foureyes_dir/hook-boot.js" check --staged --hook --listed-on-stdin
`;
}

/** Copies the bundled CLI, hook entry and grammars to the git directory, replacing an older copy. */
export function installRuntime(loc: HookLocations, distDir: string, nodePath: string, version: string): void {
  for (const f of ['cli.js', 'hook.js', 'hook-boot.js']) {
    if (!existsSync(path.join(distDir, f))) throw new Error(`cannot install: ${path.join(distDir, f)} is missing (build first)`);
  }
  const tmp = `${loc.runtimeDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  cpSync(path.join(distDir, 'cli.js'), path.join(tmp, 'cli.js'));
  cpSync(path.join(distDir, 'hook.js'), path.join(tmp, 'hook.js'));
  cpSync(path.join(distDir, 'hook-boot.js'), path.join(tmp, 'hook-boot.js'));
  // The CLI analyses large file sets on worker threads; the copy must be complete.
  if (existsSync(path.join(distDir, 'analyse-worker.js'))) cpSync(path.join(distDir, 'analyse-worker.js'), path.join(tmp, 'analyse-worker.js'));
  if (existsSync(path.join(distDir, 'grammars'))) cpSync(path.join(distDir, 'grammars'), path.join(tmp, 'grammars'), { recursive: true });
  // Detector data (the AWS action table) is found beside the grammars' directory: without it the
  // IAM detector fails in the hook and its findings are lost.
  if (existsSync(path.join(distDir, 'iam'))) cpSync(path.join(distDir, 'iam'), path.join(tmp, 'iam'), { recursive: true });
  writeFileSync(path.join(tmp, 'VERSION'), version + '\n');
  writeFileSync(path.join(tmp, 'pre-commit.sh'), runnerScript(nodePath, version), { mode: 0o755 });
  const old = `${loc.runtimeDir}.${process.pid}.old`;
  if (existsSync(loc.runtimeDir)) renameSync(loc.runtimeDir, old);
  renameSync(tmp, loc.runtimeDir);
  rmSync(old, { recursive: true, force: true });
  // A server of the replaced runtime would notice within seconds; this is sooner.
  stopServer(loc.commonDir);
}

/**
 * Runs the installed hook entry once over built-in samples so it writes its V8 code cache now
 * rather than on the first commit (`docs/review.md`, "The cold path"). Best effort: a failure or
 * timeout only means the first commit writes it. `wait: false` (the editor) does not block.
 */
export function warmRuntime(loc: HookLocations, nodePath: string, opts: { wait: boolean } = { wait: true }): void {
  const args = [...HOOK_NODE_FLAGS, path.join(loc.runtimeDir, 'hook.js'), '--warm-code-cache'];
  const env = { ...process.env, FOUREYES_GRAMMAR_DIR: path.join(loc.runtimeDir, 'grammars'), FOUREYES_TEST_DETECTOR: '' };
  try {
    if (opts.wait) spawnSync(nodePath, args, { cwd: loc.runtimeDir, env, stdio: 'ignore', timeout: 60_000, windowsHide: true });
    else spawn(nodePath, args, { cwd: loc.runtimeDir, env, stdio: 'ignore', detached: true, windowsHide: true }).on('error', () => undefined).unref();
  } catch {
    // Best effort, see above.
  }
}

function isManaged(text: string): boolean {
  return text.includes(HOOK_MARK);
}

function withoutBlock(text: string): string {
  const start = text.indexOf(HOOK_MARK);
  const end = text.indexOf(HOOK_END);
  if (start < 0 || end < 0) return text;
  return (text.slice(0, start) + text.slice(end + HOOK_END.length)).replace(/\n{3,}/g, '\n\n').replace(/\n+$/, '\n');
}

export function managedHook(): string {
  return `#!/bin/sh
${MANAGED_HEADER} ('foureyes hook install'); 'foureyes hook uninstall' restores what was here.
case $0 in */*) foureyes_saved=\${0%/*}/pre-commit${SAVED_SUFFIX} ;; *) foureyes_saved=./pre-commit${SAVED_SUFFIX} ;; esac
if [ -x "$foureyes_saved" ]; then
  "$foureyes_saved" "$@" || exit $?
fi
${hookSnippet()}
`;
}

export interface InstallResult {
  hookFile: string;
  savedHook?: string;
  husky: boolean;
  runtimeDir: string;
}

export function installHook(loc: HookLocations, opts: { distDir: string; nodePath: string; version: string }): InstallResult {
  installRuntime(loc, opts.distDir, opts.nodePath, opts.version);
  if (loc.huskyFile) {
    const current = existsSync(loc.huskyFile) ? readFileSync(loc.huskyFile, 'utf8') : '';
    const base = withoutBlock(current);
    const text = (base.trim() ? base.replace(/\n*$/, '\n') : '') + hookSnippet() + '\n';
    writeFileAtomic(loc.huskyFile, text, { mode: 0o755 });
    return { hookFile: loc.huskyFile, husky: true, runtimeDir: loc.runtimeDir };
  }
  const saved = loc.hookFile + SAVED_SUFFIX;
  if (existsSync(loc.hookFile)) {
    const current = readFileSync(loc.hookFile, 'utf8');
    if (!isManaged(current)) {
      if (existsSync(saved)) throw new Error(`${loc.hookFile} is not Four Eyes' and ${saved} already exists; move one of them away first`);
      renameSync(loc.hookFile, saved);
    }
  }
  writeFileAtomic(loc.hookFile, managedHook(), { mode: 0o755 });
  return { hookFile: loc.hookFile, savedHook: existsSync(saved) ? saved : undefined, husky: false, runtimeDir: loc.runtimeDir };
}

export function uninstallHook(loc: HookLocations): string[] {
  const done: string[] = [];
  if (loc.huskyFile && existsSync(loc.huskyFile)) {
    const current = readFileSync(loc.huskyFile, 'utf8');
    if (isManaged(current)) {
      writeFileAtomic(loc.huskyFile, withoutBlock(current), { mode: 0o755 });
      done.push(`removed the Four Eyes lines from ${loc.huskyFile}`);
    }
  }
  if (existsSync(loc.hookFile) && isManaged(readFileSync(loc.hookFile, 'utf8'))) {
    const saved = loc.hookFile + SAVED_SUFFIX;
    if (existsSync(saved)) {
      renameSync(saved, loc.hookFile);
      done.push(`restored the previous hook ${loc.hookFile}`);
    } else {
      rmSync(loc.hookFile);
      done.push(`removed ${loc.hookFile}`);
    }
  }
  const stopped = stopServer(loc.commonDir);
  if (stopped) done.push(`stopped the analysis server (pid ${stopped})`);
  if (existsSync(loc.runtimeDir)) {
    rmSync(loc.runtimeDir, { recursive: true, force: true });
    done.push(`removed ${loc.runtimeDir}`);
  }
  return done;
}

export interface HookStatus {
  installed: boolean;
  hookFile: string;
  husky: boolean;
  savedHook?: string;
  runtimeVersion?: string;
  nodePath?: string;
  /** The warm analysis server, when one is running for this repository. */
  server?: ServerStatus;
  problems: string[];
}

export function hookStatus(loc: HookLocations): HookStatus {
  const file = loc.huskyFile ?? loc.hookFile;
  const problems: string[] = [];
  const installed = existsSync(file) && isManaged(readFileSync(file, 'utf8'));
  const versionFile = path.join(loc.runtimeDir, 'VERSION');
  const runtimeVersion = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : undefined;
  let nodePath: string | undefined;
  const runner = path.join(loc.runtimeDir, 'pre-commit.sh');
  if (existsSync(runner)) nodePath = /^foureyes_node='((?:[^']|'\\'')*)'/m.exec(readFileSync(runner, 'utf8'))?.[1].replace(/'\\''/g, "'");
  if (installed && !runtimeVersion) problems.push(`the runtime copy is missing from ${loc.runtimeDir}; run 'foureyes hook install'`);
  if (installed && !loc.huskyFile) {
    try {
      if (!(statSync(file).mode & 0o111)) problems.push(`${file} is not executable`);
    } catch {
      // reported as not installed
    }
  }
  if (nodePath && !existsSync(nodePath)) problems.push(`recorded node ${nodePath} no longer exists; the hook falls back to node on PATH`);
  const saved = loc.hookFile + SAVED_SUFFIX;
  return { installed, hookFile: file, husky: !!loc.huskyFile, savedHook: existsSync(saved) ? saved : undefined, runtimeVersion, nodePath, server: serverStatus(loc.commonDir), problems };
}
