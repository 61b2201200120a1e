// Finds endpoints in one string value: URLs, database/cache connection strings in their common
// forms (URL, JDBC, ADO.NET, libpq, Go MySQL, StackExchange.Redis) and host names.
import { isBareHost, isHostName, isIPv4, normalizeHost } from './hosts';
import { maskSecrets } from './secrets';

/** Stands for an interpolation (`${x}`) in template text; shown as `*`. */
export const HOLE = '\u0001';

export type EndpointForm = 'url' | 'jdbc-oracle' | 'key-value' | 'libpq' | 'go-dsn' | 'redis-options' | 'host' | 'bare-host' | 'ssh-target';

export interface EmbeddedSecret {
  /** The secret as written in the string. Never shown: mask it with `maskSecrets`. */
  value: string;
  /** Where it sits: `password`, `Password`, `AccountKey`, `userinfo`. */
  key: string;
}

export interface EndpointRef {
  form: EndpointForm;
  /** Normalised host names (lower case, interpolations as `*`); unix socket paths start with `/`. */
  hosts: string[];
  /** For URLs: scheme, host, port and path without credentials, query or fragment (for `production.urls`). */
  url?: string;
  scheme?: string;
  user?: string;
  secret?: EmbeddedSecret;
  /** The endpoint as it may be shown: the matched text with any secret masked. */
  display: string;
  /**
   * False for a dotted token in free text that does not look like a host on its own (no trusted
   * TLD, package- or file-shaped): only an explicit `production.hosts` glob may match it.
   */
  trusted: boolean;
}

/** Strings longer than this are only searched in their first part: certificates, blobs, bundles. */
const MAX_SCAN = 64 * 1024;

const DB_SCHEMES = /^(jdbc:)?(postgres|postgresql|pgsql|mysql|mysqlx|mariadb|mongodb|mongodb\+srv|redis|rediss|valkey|amqp|amqps|mssql|sqlserver|oracle|cockroachdb|clickhouse|cassandra|neo4j|neo4j\+s|bolt|couchbase|couchbases|memcached|nats|kafka|db2|snowflake|redshift)$/i;

/** Schemes of databases, caches and brokers: their URLs are connection strings. */
export function isDatabaseScheme(scheme: string): boolean {
  return DB_SCHEMES.test(scheme);
}

const PASSWORD_PARAM = /^(password|passwd|pwd|pass|sslpassword)$/i;
const CREDENTIAL_KEY = /^(password|passwd|pwd|user password|accountkey|sharedaccesskey)$/i;
const SERVER_KEY = /^(server|data source|datasource|address|addr|network address|host|hostname|hostaddr)$/i;

const URL_START = /([a-z][a-z0-9+.-]{1,30}):\/\//gi;
const URL_STOP = /[\s"'`<>\\|{}^]/;

interface Span {
  start: number;
  end: number;
}

/**
 * Every endpoint in `text`. `hostKey`: the value sits under a host-like key (`host`, `DB_URL`).
 * `remoteShell`: the value is an argument of ssh, scp, rsync and the like, so `user@host` is a
 * login target rather than an e-mail address.
 */
export function extractEndpoints(text: string, opts: { hostKey?: boolean; remoteShell?: boolean } = {}): readonly EndpointRef[] {
  if (text.length > MEMO_MAX_CHARS) return extractUncached(text, opts);
  const key = `${opts.hostKey ? 'h' : '-'}${opts.remoteShell ? 'r' : '-'}${text}`;
  let hit = memo.get(key);
  if (!hit) {
    if (memo.size >= MEMO_ENTRIES) memo.clear();
    hit = extractUncached(text, opts);
    memo.set(key, hit);
  }
  return hit;
}

/**
 * The same short strings recur across a repository's files (versions, actions, hosts, keys) and
 * several detectors ask about each: what a string yields depends on the string alone, so it is
 * kept for a while. Callers only read the results.
 */
const memo = new Map<string, readonly EndpointRef[]>();
const MEMO_ENTRIES = 50_000;
const MEMO_MAX_CHARS = 1024;

function extractUncached(text: string, opts: { hostKey?: boolean; remoteShell?: boolean }): readonly EndpointRef[] {
  const s = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const out: EndpointRef[] = [];
  const taken: Span[] = [];
  const add = (ref: EndpointRef | undefined, span: Span) => {
    if (!ref) return;
    out.push(ref);
    taken.push(span);
  };

  const whole = s.trim();
  if (opts.hostKey) {
    const hosts = hostList(whole);
    if (hosts) {
      add({ form: 'host', hosts, display: whole.replace(new RegExp(HOLE, 'g'), '*'), trusted: true }, { start: 0, end: s.length });
      return out;
    }
  }

  // URL spans come out disjoint and in order: only the last one can hold the next start.
  let urlEnd = 0;
  for (const m of s.matchAll(URL_START)) {
    const start = m.index!;
    if (start < urlEnd) continue;
    const r = parseUrlAt(s, start, m[1]);
    if (r) {
      add(r.ref, { start, end: r.end });
      urlEnd = r.end;
    }
  }
  for (const r of oracleThin(s)) add(r.ref, r.span);
  for (const r of goDsn(s, taken)) add(r.ref, r.span);

  if (!out.length) {
    const kv = keyValueConnection(whole) ?? libpqConnection(whole) ?? redisOptions(whole);
    if (kv) add(kv, { start: 0, end: s.length });
  }

  for (const m of s.matchAll(SSH_TARGET)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (taken.some((t) => start < t.end && end > t.start)) continue;
    // `user@host:path` is scp/rsync/git syntax anywhere; `user@host` alone only after a remote-shell command.
    if (!m[3] && !opts.remoteShell && !REMOTE_SHELL_BEFORE.test(s.slice(s.lastIndexOf('\n', start) + 1, start))) continue;
    const host = normalizeHost(m[2]);
    if (!isHostName(host, true) || (host.replace(/[0-9.]/g, '') === '' && !isIPv4(host))) continue;
    add({ form: 'ssh-target', hosts: [host], user: m[1], display: `${m[1]}@${m[2]}`, trusted: true }, { start, end });
  }
  const overlapsTaken = overlapChecker(taken);
  for (const m of s.matchAll(BARE_HOST)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (overlapsTaken(start, end)) continue;
    const host = normalizeHost(m[1]);
    if (host.replace(/[0-9.]/g, '') === '' && !isIPv4(host)) continue;
    add({ form: 'bare-host', hosts: [host], display: m[0], trusted: isBareHost(host) }, { start, end });
  }
  return out;
}

/**
 * Overlap test against a fixed set of spans for queries in increasing `start` order, in amortised
 * linear time (a string can hold thousands of URLs and thousands of bare hosts).
 */
function overlapChecker(spans: readonly Span[]): (start: number, end: number) => boolean {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let first = 0;
  return (start, end) => {
    while (first < sorted.length && sorted[first].end <= start) first++;
    for (let i = first; i < sorted.length && sorted[i].start < end; i++) {
      if (sorted[i].end > start) return true;
    }
    return false;
  };
}

/** `user@host` followed by `:path` (scp, rsync, git), the end of the word, or a quote. */
const SSH_TARGET = /(?<![\w.%+@:/-])([A-Za-z_][\w.-]{0,31})@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:(:)(?=[~/\w.$])|(?=[\s'"]|$))/g;

/** A remote-shell command earlier on the same line: `ssh -i key `, `rsync -az ./dist/ `. */
const REMOTE_SHELL_BEFORE = /(?:^|[\s;&|(`"'])(?:ssh|scp|rsync|sftp|mosh|autossh|ssh-copy-id)\s[^\n;&|]*$/;

/** Commands whose `user@host` arguments are login targets. */
export const REMOTE_SHELL_COMMANDS: ReadonlySet<string> = new Set(['ssh', 'scp', 'rsync', 'sftp', 'mosh', 'autossh', 'ssh-copy-id']);

/** A dotted token: not part of a path, an email address, a key path or a longer word. */
const BARE_HOST = /(?<![\w@/\\.$%-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?::\d{1,5})?(?![\w@-]|\.[a-z0-9]|\()/gi;

/** `host`, `host:port`, `h1:p,h2:p` (Kafka, Mongo seeds) when that is the entire value. */
function hostList(value: string): string[] | undefined {
  if (!value || /\s/.test(value)) return undefined;
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  if (!parts.length) return undefined;
  const hosts: string[] = [];
  for (const p of parts) {
    const h = stripPort(p);
    if (h === undefined) return undefined;
    const probe = h.replace(new RegExp(HOLE, 'g'), 'x');
    if (!isHostName(probe, true)) return undefined;
    hosts.push(normalizeHost(h.replace(new RegExp(HOLE, 'g'), '*')));
  }
  return hosts;
}

/** `h:1`, `[::1]:5432`, `h` -> host; undefined when the port is not a number or a hole. */
function stripPort(hp: string): string | undefined {
  if (hp.startsWith('[')) {
    const close = hp.indexOf(']');
    if (close < 0) return undefined;
    const rest = hp.slice(close + 1);
    if (rest && !/^:(\d{1,5}|\u0001)$/.test(rest)) return undefined;
    return hp.slice(0, close + 1);
  }
  const colons = hp.split(':').length - 1;
  if (colons === 0) return hp;
  if (colons === 1) {
    const [h, port] = hp.split(':');
    return /^(\d{1,5}|\u0001)?$/.test(port) ? h : undefined;
  }
  return /^[0-9a-f:]+$/i.test(hp) ? hp : undefined;
}

function trimTrailing(s: string): string {
  return s.replace(/[.,;:!?)\]]+$/, '');
}

function parseUrlAt(s: string, start: number, scheme: string): { ref: EndpointRef; end: number } | undefined {
  const restStart = start + scheme.length + 3;
  let end = restStart;
  while (end < s.length && !URL_STOP.test(s[end])) end++;
  // A preceding `jdbc:` belongs to the same URL.
  let from = start;
  const jdbc = /jdbc:$/i.test(s.slice(Math.max(0, start - 5), start));
  if (jdbc) from = start - 5;
  let rest = s.slice(restStart, end);
  rest = trimTrailing(rest);
  const isDb = DB_SCHEMES.test(scheme) || jdbc;

  let userinfo: string | undefined;
  let hostStart = 0;
  const firstSep = rest.search(/[/?#]/);
  let at = rest.lastIndexOf('@', firstSep < 0 ? rest.length : firstSep);
  if (at < 0 && isDb) {
    // Unencoded `/` in a database password: `postgres://u:pa/ss@host/db`.
    const q = rest.indexOf('?');
    const cand = rest.lastIndexOf('@', q < 0 ? rest.length : q);
    if (cand > 0 && rest.slice(0, cand).includes(':')) at = cand;
  }
  if (at >= 0) {
    userinfo = rest.slice(0, at);
    hostStart = at + 1;
  }
  const afterHost = rest.slice(hostStart);
  const hpEnd = afterHost.search(/[/?#;]/);
  const hostPort = hpEnd < 0 ? afterHost : afterHost.slice(0, hpEnd);
  const tail = hpEnd < 0 ? '' : afterHost.slice(hpEnd);
  const hosts: string[] = [];
  for (const part of hostPort.split(',')) {
    if (!part) continue;
    const h = stripPort(part);
    if (h === undefined) continue;
    const probe = h.replace(new RegExp(HOLE, 'g'), 'x');
    if (!isHostName(probe, true)) continue;
    hosts.push(normalizeHost(h.replace(new RegExp(HOLE, 'g'), '*')));
  }

  let user: string | undefined;
  let secret: EmbeddedSecret | undefined;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    if (colon >= 0) {
      user = userinfo.slice(0, colon);
      secret = { value: userinfo.slice(colon + 1), key: 'userinfo' };
    } else user = userinfo;
  }
  if (!secret) secret = paramSecret(tail);

  const path = tail.split(/[?#;]/)[0];
  const url = `${scheme.toLowerCase()}://${hostPort.toLowerCase().replace(new RegExp(HOLE, 'g'), '*')}${path.replace(new RegExp(HOLE, 'g'), '*')}`;
  const raw = s.slice(from, restStart + rest.length);
  const display = unhole(maskSecrets(raw, secret ? [secret.value] : []));
  if (!hosts.length && !secret) return undefined;
  return { ref: { form: 'url', hosts, url, scheme: (jdbc ? 'jdbc:' : '') + scheme.toLowerCase(), user, secret, display, trusted: true }, end: restStart + rest.length };
}

/** `?user=u&password=p` and JDBC SQL Server's `;password=p`. */
function paramSecret(tail: string): EmbeddedSecret | undefined {
  for (const m of tail.matchAll(/[?&;]([A-Za-z]+)=([^&;#]*)/g)) {
    if (PASSWORD_PARAM.test(m[1])) return { value: m[2], key: m[1] };
  }
  return undefined;
}

function unhole(s: string): string {
  return s.replace(new RegExp(HOLE, 'g'), '${…}');
}

/** `jdbc:oracle:thin:user/pass@//host:1521/svc`, `...:@host:1521:SID`, `...@(DESCRIPTION=...(HOST=h)...)`. */
function oracleThin(s: string): Array<{ ref: EndpointRef; span: Span }> {
  const out: Array<{ ref: EndpointRef; span: Span }> = [];
  for (const m of s.matchAll(/jdbc:oracle:(?:thin|oci):(?:([^\s/@:'"]+)\/([^\s@'"]*))?@(?:\/\/)?(\([^\s'"]*\)|[^\s/:'"]+)(?::(\d+))?(?:[:/][^\s'"]*)?/gi)) {
    const target = m[3];
    const hosts = target.startsWith('(')
      ? [...target.matchAll(/\(\s*HOST\s*=\s*([^)\s]+)\s*\)/gi)].map((h) => normalizeHost(h[1]))
      : [normalizeHost(target)];
    const secret = m[2] ? { value: m[2], key: 'password' } : undefined;
    out.push({
      ref: { form: 'jdbc-oracle', hosts, scheme: 'jdbc:oracle', user: m[1], secret, display: maskSecrets(m[0], secret ? [secret.value] : []), trusted: true },
      span: { start: m.index!, end: m.index! + m[0].length },
    });
  }
  return out;
}

/** Go's MySQL driver: `user:pass@tcp(host:3306)/db`. */
const GO_DSN_MARKER = /@(?:tcp6?|udp)\(/g;
const GO_DSN_TAIL = /@(?:tcp6?|udp)\(([^)\s]{0,1024})\)(?:\/[^\s'"]*)?/y;
/** Characters of `user:pass` (the password may hold `:`, `/` and parentheses; the user may not). */
const GO_DSN_PASS_CHAR = /[^\s@'"]/;
const GO_DSN_NOT_USER = /[:/()]/;
const GO_DSN_MAX_CREDENTIALS = 1024;

/**
 * Anchored on the `@tcp(` marker and read outwards, so a long string without one costs one pass
 * (a single regular expression over the whole DSN backtracks quadratically on such strings).
 */
function goDsn(s: string, taken: Span[]): Array<{ ref: EndpointRef; span: Span }> {
  const out: Array<{ ref: EndpointRef; span: Span }> = [];
  let from = 0;
  for (const marker of s.matchAll(GO_DSN_MARKER)) {
    const at = marker.index!;
    if (at < from) continue;
    GO_DSN_TAIL.lastIndex = at;
    const tail = GO_DSN_TAIL.exec(s);
    if (!tail) continue;
    let left = at;
    while (left > from && at - left < GO_DSN_MAX_CREDENTIALS && GO_DSN_PASS_CHAR.test(s[left - 1])) left--;
    let colon = -1;
    for (let i = left; i < at; i++) {
      if (s[i] === ':') {
        colon = i;
        break;
      }
    }
    const userEnd = colon < 0 ? at : colon;
    let start = left;
    for (let i = userEnd - 1; i >= left; i--) {
      if (GO_DSN_NOT_USER.test(s[i])) {
        start = i + 1;
        break;
      }
    }
    const end = at + tail[0].length;
    from = end;
    if (taken.some((t) => start >= t.start && start < t.end)) continue;
    const whole = s.slice(start, end);
    const user = s.slice(start, userEnd);
    const password = colon >= 0 && colon >= start ? s.slice(colon + 1, at) : undefined;
    const h = stripPort(tail[1]);
    const hosts = h && isHostName(h.replace(new RegExp(HOLE, 'g'), 'x'), true) ? [normalizeHost(h.replace(new RegExp(HOLE, 'g'), '*'))] : [];
    const secret = password !== undefined ? { value: password, key: 'password' } : undefined;
    out.push({
      ref: { form: 'go-dsn', hosts, scheme: 'mysql', user, secret, display: unhole(maskSecrets(whole, secret ? [secret.value] : [])), trusted: true },
      span: { start, end },
    });
  }
  return out;
}

/** `k=v;k=v` pairs with quoting as in ADO.NET (`"a;b"`, `'x'`). */
function semicolonPairs(s: string): Array<[string, string]> | undefined {
  const pairs: Array<[string, string]> = [];
  const re = /\s*([^=;]+?)\s*=\s*("(?:[^"]|"")*"|'(?:[^']|'')*'|[^;]*)\s*(?:;|$)/gy;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m || m[0].length === 0) return undefined;
    let v = m[2].trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    pairs.push([m[1].trim(), v]);
    i = re.lastIndex;
  }
  return pairs;
}

/** ADO.NET / ODBC / Npgsql / Azure: `Server=tcp:h,1433;Database=d;User ID=u;Password=p;`. */
function keyValueConnection(s: string): EndpointRef | undefined {
  if (!s.includes(';') || !s.includes('=')) return undefined;
  const pairs = semicolonPairs(s);
  if (!pairs || pairs.length < 2) return undefined;
  const hosts: string[] = [];
  let secret: EmbeddedSecret | undefined;
  let user: string | undefined;
  for (const [k, v] of pairs) {
    const key = k.toLowerCase();
    if (SERVER_KEY.test(key)) {
      for (const item of v.split(',')) {
        let h = item.trim().replace(/^(tcp|np|lpc|admin):/i, '');
        h = h.split('\\')[0];
        if (/^\d+$/.test(h)) continue;
        h = stripPort(h) ?? h;
        if (/^\(?local(db)?\)?$/i.test(h) || h === '.') h = 'localhost';
        if (isHostName(h.replace(new RegExp(HOLE, 'g'), 'x'), true)) hosts.push(normalizeHost(h.replace(new RegExp(HOLE, 'g'), '*')));
      }
    } else if (CREDENTIAL_KEY.test(key) && !secret) secret = { value: v, key: k };
    else if (/^(user id|uid|user|username|user name)$/.test(key)) user = v;
  }
  if (!hosts.length && !secret) return undefined;
  return { form: 'key-value', hosts, user, secret, display: unhole(maskSecrets(s, secret ? [secret.value] : [])), trusted: true };
}

const LIBPQ_KEYS = new Set([
  'host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'passfile', 'sslmode', 'connect_timeout', 'application_name',
  'options', 'sslrootcert', 'sslcert', 'sslkey', 'target_session_attrs', 'service', 'client_encoding', 'database',
]);

/** libpq keyword/value DSN: `host=h port=5432 dbname=d user=u password=p sslmode=require`. */
function libpqConnection(s: string): EndpointRef | undefined {
  const re = /([A-Za-z_]+)\s*=\s*('(?:\\.|[^'\\])*'|[^\s']*)\s*/gy;
  const pairs: Array<[string, string]> = [];
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m || m[0].length === 0) return undefined;
    const v = m[2].startsWith("'") ? m[2].slice(1, -1).replace(/\\(.)/g, '$1') : m[2];
    pairs.push([m[1].toLowerCase(), v]);
    i = re.lastIndex;
  }
  if (pairs.length < 2 || pairs.filter(([k]) => LIBPQ_KEYS.has(k)).length < 2) return undefined;
  const hosts: string[] = [];
  let secret: EmbeddedSecret | undefined;
  let user: string | undefined;
  for (const [k, v] of pairs) {
    if (k === 'host' || k === 'hostaddr') {
      for (const h of v.split(',')) {
        if (h.startsWith('/')) hosts.push(h);
        else if (isHostName(h.replace(new RegExp(HOLE, 'g'), 'x'), true)) hosts.push(normalizeHost(h.replace(new RegExp(HOLE, 'g'), '*')));
      }
    } else if (k === 'password') secret = { value: v, key: 'password' };
    else if (k === 'user') user = v;
  }
  if (!hosts.length && !secret) return undefined;
  return { form: 'libpq', hosts, user, secret, display: unhole(maskSecrets(s, secret ? [secret.value] : [])), trusted: true };
}

/** StackExchange.Redis: `name.redis.cache.windows.net:6380,password=p,ssl=True`. */
function redisOptions(s: string): EndpointRef | undefined {
  const m = /^([A-Za-z0-9.\-\u0001]+(?::\d{1,5})?)((?:,\s*[A-Za-z]+\s*=[^,]*)+)$/.exec(s);
  if (!m) return undefined;
  const h = stripPort(m[1]);
  if (!h || !isHostName(h.replace(new RegExp(HOLE, 'g'), 'x'))) return undefined;
  let secret: EmbeddedSecret | undefined;
  for (const p of m[2].matchAll(/,\s*([A-Za-z]+)\s*=([^,]*)/g)) {
    if (PASSWORD_PARAM.test(p[1])) secret = { value: p[2].trim(), key: p[1] };
  }
  return { form: 'redis-options', hosts: [normalizeHost(h.replace(new RegExp(HOLE, 'g'), '*'))], secret, display: unhole(maskSecrets(s, secret ? [secret.value] : [])), trusted: true };
}
