// Signing with the senior's SSH key through `ssh-keygen -Y sign -n foureyes` (keys with a
// passphrase work through ssh-agent, or ssh-keygen prompts on the terminal).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configGet } from '../git';
import { parsePublicKey, SIG_NAMESPACE, type SshPublicKey } from './sshsig';

export class SigningError extends Error {}

export interface SigningKey {
  /** What ssh-keygen gets as -f: a private key file, or a public key file backed by ssh-agent. */
  file: string;
  publicKey: SshPublicKey;
  /** Where the key came from, for messages. */
  source: string;
  cleanup(): void;
}

const HOW_TO_SET = 'pass --key PATH, or set one with `git config user.signingKey ~/.ssh/id_ed25519.pub` (a key file, or a public key whose private half is in ssh-agent)';

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p.startsWith('~/') ? path.join(env.HOME ?? os.homedir(), p.slice(2)) : p;
}

function publicKeyOfFile(file: string, env: NodeJS.ProcessEnv): SshPublicKey {
  const candidates = file.endsWith('.pub') ? [file] : [`${file}.pub`];
  for (const c of candidates) {
    if (existsSync(c)) {
      try {
        return parsePublicKey(readFileSync(c, 'utf8'));
      } catch (err) {
        throw new SigningError(`${c}: ${(err as Error).message}`);
      }
    }
  }
  const r = spawnSync('ssh-keygen', ['-y', '-P', '', '-f', file], { env, encoding: 'utf8' });
  if (r.status === 0) return parsePublicKey(r.stdout);
  throw new SigningError(`cannot read the public half of ${file}: put it in ${file}.pub, or pass the .pub file with the private key in ssh-agent`);
}

/** The key named by --key, else git's user.signingKey, else a clear error. */
export function resolveSigningKey(cwd: string, keyArg: string | undefined, env: NodeJS.ProcessEnv): SigningKey {
  const raw = keyArg ?? configGet(cwd, 'user.signingKey', env);
  const source = keyArg ? '--key' : 'git config user.signingKey';
  if (!raw) throw new SigningError(`no signing key: ${HOW_TO_SET}`);
  const literal = raw.trim().replace(/^key::/, '');
  if (/^(ssh-|ecdsa-|sk-)/.test(literal)) {
    let pub: SshPublicKey;
    try {
      pub = parsePublicKey(literal);
    } catch (err) {
      throw new SigningError(`${source} holds a public key that cannot be read: ${(err as Error).message}`);
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'foureyes-key-'));
    const file = path.join(dir, 'key.pub');
    writeFileSync(file, literal + '\n', { mode: 0o600 });
    return { file, publicKey: pub, source: `${source} (public key, private half in ssh-agent)`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const file = path.resolve(cwd, expandHome(literal, env));
  if (!existsSync(file)) throw new SigningError(`signing key ${file} (from ${source}) does not exist; ${HOW_TO_SET}`);
  return { file, publicKey: publicKeyOfFile(file, env), source: `${source} (${file})`, cleanup: () => undefined };
}

/** Signs `message` and returns the armored SSHSIG. */
export function sshSign(key: SigningKey, message: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync('ssh-keygen', ['-Y', 'sign', '-n', SIG_NAMESPACE, '-f', key.file], {
    env,
    input: message,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (r.error) throw new SigningError(`cannot run ssh-keygen: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
  if (r.status !== 0 || !r.stdout.includes('BEGIN SSH SIGNATURE')) {
    const why = (r.stderr || '').trim().split('\n').filter(Boolean).pop() ?? `exit ${r.status}`;
    throw new SigningError(`ssh-keygen could not sign with ${key.source}: ${why}${/agent/i.test(why) ? ' (is ssh-agent running with the key added? `ssh-add`)' : ''}`);
  }
  return r.stdout.trim() + '\n';
}
