// What a key name says about its value: a host or URL, or a Kubernetes context.
import type { KeyPath } from '../model';

/**
 * `DB_HOST`, `dbHost`, `spring.datasource.url`, `bootstrap-servers` -> lower-case word tokens.
 * Cached: every string's key path is tokenised by several checks, and a repository has few
 * distinct keys. The result is shared; never mutate it.
 */
export function keyTokens(key: string): readonly string[] {
  let t = tokenCache.get(key);
  if (!t) {
    t = key
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    if (tokenCache.size >= 4096) tokenCache.clear();
    tokenCache.set(key, t);
  }
  return t;
}

const tokenCache = new Map<string, readonly string[]>();

const HOST_WORDS = new Set([
  'host', 'hosts', 'hostname', 'hostnames', 'server', 'servers', 'endpoint', 'endpoints', 'address', 'addr',
  'domain', 'fqdn', 'url', 'urls', 'uri', 'uris', 'dsn', 'origin', 'upstream', 'broker', 'brokers', 'nodes',
  'seeds', 'cname', 'proxy', 'servername', 'baseurl', 'connection', 'conn', 'connstr',
]);

/** Suffixes of one-word keys: `PGHOST`, `apiurl`, `webhookUri`, `redisserver`. */
const HOST_SUFFIX = /(host|hostname|url|uri|server|endpoint|dsn)$/;

/** Whether a value under this key is expected to be a host, a URL or a connection string. */
export function isHostKey(key: string | undefined): boolean {
  if (!key) return false;
  const tokens = keyTokens(key);
  if (!tokens.length) return false;
  if (tokens.some((t) => HOST_WORDS.has(t))) return true;
  return HOST_SUFFIX.test(tokens[tokens.length - 1]);
}

const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase']);

/** `password`, `DB_PASSWORD`, `adminPassword`, `PASSWD`: the key holds a password. */
export function isPasswordKey(key: string): boolean {
  const t = keyTokens(key);
  if (!t.length) return false;
  const last = t[t.length - 1];
  return PASSWORD_WORDS.has(last) || /^(db|sql|pg|mysql|redis|admin|root|user|master)?(password|passwd)$/.test(last);
}

/**
 * Keys that hold a kubeconfig context name: kubeconfig `current-context`, Terraform's
 * `config_context`, `KUBE_CONTEXT`, `kubeContext`. A bare `context` key is not one (Docker build
 * contexts, GitHub Actions contexts), except for `contexts[].name` in a kubeconfig.
 */
export function isKubeContextKey(path: KeyPath): boolean {
  const key = lastKey(path);
  if (!key) return false;
  const t = keyTokens(key);
  const joined = t.join('-');
  if (joined === 'current-context' || joined === 'config-context') return true;
  if (t.includes('context') && t.some((x) => x === 'kube' || x === 'kubectl' || x === 'k8s' || x === 'kubernetes' || x === 'eks' || x === 'gke' || x === 'aks')) return true;
  if (joined === 'kubecontext' || joined === 'kubectx') return true;
  if (key === 'name') {
    const i = path.length - 1;
    return typeof path[i - 1] === 'number' && path[i - 2] === 'contexts';
  }
  return false;
}

/** The nearest key name on a path (`hosts[2]` -> `hosts`). */
export function lastKey(path: KeyPath): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i];
    if (typeof seg === 'string') return seg;
  }
  return undefined;
}
