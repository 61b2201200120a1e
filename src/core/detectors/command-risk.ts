// How much a shell-command auto-approval pattern lets an agent do, whatever tool wrote it
// (Claude `Bash(...)`, Gemini `run_shell_command(...)`, Cursor `Shell(...)`, VS Code terminal
// auto-approve keys). Breadth decides severity: any command > interpreters (any code) > cloud,
// network and destructive tools > other prefixes > one exact command.
import type { Severity } from '../findings';

export interface CommandPattern {
  /** Matches every command. */
  any: boolean;
  /** First word of the command, when known. */
  command?: string;
  /** The command plus whatever follows (a prefix or trailing wildcard). */
  prefix: boolean;
  /** The pattern as written, for messages. */
  text: string;
}

export interface CommandRisk {
  severity: Severity;
  /** Completes "the agent may now ...". */
  effect: string;
}

/** Commands that run arbitrary code given arbitrary arguments. */
const ARBITRARY_CODE = new Set([
  'bash', 'sh', 'zsh', 'fish', 'dash', 'ksh', 'pwsh', 'powershell', 'cmd', 'cmd.exe', 'python', 'python3', 'node', 'deno',
  'bun', 'ruby', 'perl', 'php', 'npx', 'pnpx', 'bunx', 'uvx', 'eval', 'exec', 'sudo', 'su', 'doas', 'env', 'xargs',
  'nohup', 'watch', 'timeout', 'osascript',
]);

/** Commands that reach cloud accounts, clusters, remote hosts or the network, or destroy data. */
const HIGH_IMPACT = new Set([
  'aws', 'gcloud', 'gsutil', 'bq', 'az', 'azd', 'kubectl', 'helm', 'oc', 'terraform', 'tofu', 'terragrunt', 'pulumi',
  'cdk', 'eksctl', 'doctl', 'flyctl', 'heroku', 'vercel', 'netlify', 'firebase', 'docker', 'podman', 'ssh', 'scp', 'sftp',
  'rsync', 'curl', 'wget', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ftp', 'rm', 'rmdir', 'dd', 'mkfs', 'shred',
  'chmod', 'chown', 'kill', 'pkill', 'killall', 'gh', 'git', 'npm', 'pnpm', 'yarn', 'pip', 'pip3', 'cargo', 'gem',
  'psql', 'mysql', 'mongosh', 'redis-cli', 'vault', 'op', 'security', 'crontab', 'systemctl', 'launchctl',
]);

/** Sub-commands that are routine for an otherwise high-impact tool: `git status`, `npm test`. */
const ROUTINE = /^(git (status|diff|log|show|branch|fetch|blame|rev-parse|ls-files)|npm (test|run|ci|ls|view)|pnpm (test|run|ls)|yarn (test|run)|cargo (build|test|check|fmt|clippy)|docker (ps|images|logs|inspect)|kubectl (get|describe|logs)|gh (pr (view|list|diff|status|checks)|issue (view|list)|run (view|list)))\b/;

export function commandRisk(p: CommandPattern): CommandRisk {
  if (p.any) return { severity: 'critical', effect: 'run any shell command without approval' };
  const cmd = (p.command ?? '').toLowerCase().replace(/^.*[\\/]/, '');
  const rest = p.text.trim();
  if (ARBITRARY_CODE.has(cmd)) {
    return p.prefix
      ? { severity: 'critical', effect: `run any \`${cmd}\` command without approval, which runs arbitrary code` }
      : { severity: 'medium', effect: `run \`${rest}\` without approval` };
  }
  if (HIGH_IMPACT.has(cmd)) {
    if (ROUTINE.test(rest.toLowerCase())) {
      return { severity: 'low', effect: `run \`${rest}\`${p.prefix ? ' with any arguments' : ''} without approval` };
    }
    return p.prefix
      ? { severity: 'high', effect: `run any \`${rest}\` command without approval, with the credentials and network access of the shell` }
      : { severity: 'medium', effect: `run \`${rest}\` without approval` };
  }
  return p.prefix
    ? { severity: 'medium', effect: `run \`${rest}\` with any arguments without approval` }
    : { severity: 'low', effect: `run \`${rest}\` without approval` };
}

/**
 * Parses a command specification as written inside a permission rule: empty, `*`, `:*`, `**`
 * mean any command; a trailing `:*`, ` *` or `*` makes it a prefix.
 */
export function parseCommandSpec(spec: string | undefined, prefixByDefault: boolean): CommandPattern {
  const text = (spec ?? '').trim();
  if (!text || /^[:*\s]+$/.test(text) || text === '.*') return { any: true, prefix: true, text: text || '*' };
  let body = text;
  let prefix = prefixByDefault;
  const m = /(?::\*|\s\*|\*)$/.exec(body);
  if (m) {
    body = body.slice(0, m.index).trim();
    prefix = true;
  }
  if (!body) return { any: true, prefix: true, text };
  return { any: false, command: body.split(/\s+/)[0], prefix, text: body };
}

/**
 * A VS Code terminal auto-approve key: a command prefix, or a `/regex/flags`. A regex that can
 * match every command line counts as any command.
 */
export function parseTerminalKey(key: string): CommandPattern {
  const re = /^\/(.*)\/([a-z]*)$/s.exec(key);
  if (!re) return parseCommandSpec(key, true);
  const src = re[1];
  if (/^\^?(\.\*|\.\+|\.|)\$?$/.test(src) || /^\^?\(\.\*\)\$?$/.test(src) || src === '[\\s\\S]*') {
    return { any: true, prefix: true, text: key };
  }
  const lit = /^\^([A-Za-z0-9_.\-]+)(?:\\b|\\s|\s|$)/.exec(src);
  if (lit) {
    const anchoredEnd = src.endsWith('$') && !/\.\*\$$|\.\+\$$/.test(src);
    return { any: false, command: lit[1], prefix: !anchoredEnd, text: key };
  }
  return { any: false, prefix: true, text: key };
}
