// Where the warm analysis server of a repository lives (socket and lock file under
// `<git-common-dir>/foureyes/server/`), whether it may run, and how other processes find, start
// and stop it. The server itself is `src/cli/analysis-server.ts`; the hook's side is
// `src/cli/server-client.ts`.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** What the server's lock file holds: who owns the socket, for which runtime and analysis version. */
export interface ServerLock {
  pid: number;
  version: string;
  runtime: string;
  started: number;
}

export interface ServerStatus {
  pid: number;
  version: string;
  /** Seconds since the server last answered (or started). */
  idleSeconds: number;
}

export const SERVER_SOCKET = 's.sock';
export const SERVER_LOCK = 'server.json';
/** Unix socket paths are limited to about 108 bytes (less on macOS); longer ones are not tried. */
export const MAX_SOCKET_PATH = 100;

export function serverDir(commonDir: string): string {
  return path.join(commonDir, 'foureyes', 'server');
}

export function serverLockFile(commonDir: string): string {
  return path.join(serverDir(commonDir), SERVER_LOCK);
}

/** The socket path to connect to from `cwd`: absolute, or relative when that is short enough and the absolute one is not. */
export function socketPathFrom(commonDir: string, cwd: string): string | undefined {
  const abs = path.join(serverDir(commonDir), SERVER_SOCKET);
  if (Buffer.byteLength(abs) <= MAX_SOCKET_PATH) return abs;
  const rel = path.relative(cwd, abs);
  return Buffer.byteLength(rel) <= MAX_SOCKET_PATH ? rel : undefined;
}

/**
 * Creates the server directory readable only by this user (0700), and refuses one that is a
 * symlink or belongs to someone else: whoever can reach the socket can answer the hook.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw new Error(`${dir} belongs to another user`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** Whether the directory holding the socket is this user's and private (else the hook does not talk to it). */
export function privateDirOk(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory() || (st.mode & 0o077) !== 0) return false;
    return typeof process.getuid !== 'function' || st.uid === process.getuid();
  } catch {
    return false;
  }
}

/**
 * Why no server may be used or started, from the environment alone (the `foureyes.server` git
 * setting is read by the server when it starts and while it runs, so the hook spends no git
 * process on it); undefined when allowed.
 */
export function serverOffReason(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return 'not available on Windows';
  if (env.FOUREYES_DAEMON === '0') return 'turned off by FOUREYES_DAEMON=0';
  if (env.CI) return 'never used when CI is set';
  return undefined;
}

/** Whether `git config foureyes.server` turns the server off for the repository at `commonDir`. */
export function serverOffByConfig(commonDir: string, env: NodeJS.ProcessEnv): boolean {
  const r = spawnSync('git', ['--git-dir', commonDir, 'config', '--bool', '--get', 'foureyes.server'], { env, encoding: 'utf8', timeout: 10_000, windowsHide: true });
  return r.status === 0 && r.stdout.trim() === 'false';
}

/** Identity of an installed runtime: its CLI bundle's inode, size and time (a reinstall renames a new copy in). */
export function runtimeIdentity(runtimeDir: string): string | undefined {
  try {
    const st = statSync(path.join(runtimeDir, 'cli.js'));
    return `${st.ino}-${st.size}-${Math.round(st.mtimeMs)}`;
  } catch {
    return undefined;
  }
}

export function readServerLock(commonDir: string): ServerLock | undefined {
  try {
    const v = JSON.parse(readFileSync(serverLockFile(commonDir), 'utf8')) as Partial<ServerLock>;
    if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0) return undefined;
    return { pid: v.pid, version: String(v.version ?? ''), runtime: String(v.runtime ?? ''), started: Number(v.started ?? 0) };
  } catch {
    return undefined;
  }
}

/** Whether `pid` runs (a zombie, exited but not yet reaped by its parent, does not). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Whether `pid` is a Four Eyes analysis server (so a signal never reaches a process that reused the pid). */
export function isServerProcess(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  try {
    if (process.platform === 'linux') return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('--serve');
    const r = spawnSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8', timeout: 5_000 });
    return r.status === 0 && / --serve( |$)/m.test(r.stdout);
  } catch {
    return false;
  }
}

/** The running server, if any: its pid, version and how long it has been idle (the lock file's time is touched per answer). */
export function serverStatus(commonDir: string): ServerStatus | undefined {
  const lock = readServerLock(commonDir);
  if (!lock || !isServerProcess(lock.pid)) return undefined;
  let last = lock.started;
  try {
    last = statSync(serverLockFile(commonDir)).mtimeMs;
  } catch {
    // Gone while we looked: the server is stopping.
  }
  return { pid: lock.pid, version: lock.version, idleSeconds: Math.max(0, Math.round((Date.now() - last) / 1000)) };
}

/** Asks the running server to stop (SIGTERM; it removes its socket and lock). Returns its pid when one was signalled. */
export function stopServer(commonDir: string): number | undefined {
  const lock = readServerLock(commonDir);
  if (!lock || lock.pid === process.pid || !isServerProcess(lock.pid)) return undefined;
  try {
    process.kill(lock.pid, 'SIGTERM');
    return lock.pid;
  } catch {
    return undefined;
  }
}

/**
 * The environment the server runs in: the caller's, without the variables git sets for a hook
 * (GIT_DIR, GIT_INDEX_FILE, ...: they name the commit in progress, not the repository for good).
 * Git's configuration switches stay, so the server sees the same configuration.
 */
export function serverEnv(env: NodeJS.ProcessEnv, runtimeDir: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('GIT_') || k.startsWith('GIT_CONFIG')) out[k] = v;
  out.FOUREYES_GRAMMAR_DIR = path.join(runtimeDir, 'grammars');
  delete out.FOUREYES_TRACE;
  return out;
}

/**
 * Starts a server for `commonDir` from the runtime copy, detached (its own session, stdio
 * ignored, not waited for). It exits by itself when another one already runs. Best effort.
 */
export function startServer(commonDir: string, runtimeDir: string, nodePath: string, env: NodeJS.ProcessEnv): boolean {
  if (serverOffReason(env)) return false;
  const lock = readServerLock(commonDir);
  if (lock && pidAlive(lock.pid)) return false;
  try {
    const dir = serverDir(commonDir);
    ensurePrivateDir(dir);
    const child = spawn(nodePath, [path.join(runtimeDir, 'hook.js'), '--serve', commonDir], { cwd: dir, env: serverEnv(env, runtimeDir), stdio: 'ignore', detached: true, windowsHide: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/** Kills a server that stopped answering (it cannot be asked to stop); the next start clears its lock and socket. */
export function killServer(commonDir: string): void {
  const lock = readServerLock(commonDir);
  if (!lock || lock.pid === process.pid || !isServerProcess(lock.pid)) return;
  try {
    process.kill(lock.pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}
