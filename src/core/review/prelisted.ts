// The staged listing the hook's runner script asks git for while node is still starting: the
// four small git processes run on the other core during node's boot instead of being spawned
// from the event loop afterwards, and their output reaches the hook on stdin as frames.
import { lsFilesArgs, type GitRun } from '../git';
import { RULES_FILE } from '../rules-file';
import { APPROVALS_DIR } from './record';

const RAW_DIFF = ['diff', '--cached', '--raw', '-z', '--no-abbrev', '-M', '--no-ext-diff', '--no-textconv'];
// Paths must be repo-relative whatever the cwd: diff.relative would make them cwd-relative.
const NOT_RELATIVE = ['-c', 'diff.relative=false'];

/** `git diff` arguments for the staged change against `against` (HEAD, or everything on an unborn branch). */
export function rawDiffArgs(against?: string): string[] {
  return [...NOT_RELATIVE, ...RAW_DIFF, ...(against ? [against] : []), '--'];
}

export const STAGED_DIFF_ARGS = rawDiffArgs();
export const STAGED_LS_ARGS = lsFilesArgs([RULES_FILE, APPROVALS_DIR]);
export const AUTHOR_IDENT_ARGS = ['var', 'GIT_AUTHOR_IDENT'];
/** HEAD's commit (fails on an unborn branch: then the hook asks git itself). */
export const HEAD_COMMIT_ARGS = ['rev-parse', '-q', '--verify', 'HEAD^{commit}'];

/** The commands, in frame order. */
export const PRELISTED_COMMANDS: readonly string[][] = [STAGED_DIFF_ARGS, STAGED_LS_ARGS, AUTHOR_IDENT_ARGS, HEAD_COMMIT_ARGS];

/** What the runner collected; a command that failed is absent, and the hook runs it again itself for git's message. */
export interface PreListed {
  diff?: GitRun;
  ls?: GitRun;
  ident?: GitRun;
  head?: GitRun;
}

/**
 * Each command's stdout followed by `\0\0<exit code>\n`. No NUL-separated (`-z`) output holds two
 * NULs in a row (paths are never empty), and `git var` prints no NUL, so the first `\0\0` after a
 * frame's start is the marker, or the output's own final NUL followed by the marker.
 */
export function frameMarkerPrintf(): string {
  return String.raw`printf '\0\0%s\n' "$?"`;
}

interface Frame {
  out: Buffer;
  code: number;
  next: number;
}

function frameAt(data: Buffer, start: number): Frame | undefined {
  const i = data.indexOf('\0\0', start);
  if (i < 0) return undefined;
  const end = data[i + 2] === 0 ? i + 1 : i;
  const nl = data.indexOf('\n', end + 2);
  if (nl < 0) return undefined;
  const digits = data.subarray(end + 2, nl).toString('latin1');
  if (!/^\d{1,3}$/.test(digits)) return undefined;
  return { out: data.subarray(start, end), code: Number(digits), next: nl + 1 };
}

/** The frames the runner wrote, or undefined when they are not exactly one well-formed frame per command. */
export function parsePrelisted(data: Buffer): PreListed | undefined {
  const runs: Array<GitRun | undefined> = [];
  let at = 0;
  for (let n = 0; n < PRELISTED_COMMANDS.length; n++) {
    const f = frameAt(data, at);
    if (!f) return undefined;
    runs.push(f.code === 0 ? { code: 0, stdout: f.out, stderr: '' } : undefined);
    at = f.next;
  }
  if (at !== data.length) return undefined;
  const [diff, ls, ident, head] = runs;
  return { diff, ls, ident, head };
}
