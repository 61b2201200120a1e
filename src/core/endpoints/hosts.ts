// Host names: normalisation, local/reserved names, the production-label heuristic, managed data
// services, and when a bare dotted token is a host rather than a package, a file or a version.

/** Lower-cased, without a trailing dot or IPv6 brackets. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIPv4(host: string): boolean {
  const m = IPV4.exec(host);
  return !!m && m.slice(1).every((p) => Number(p) <= 255);
}

export function isIPv6(host: string): boolean {
  return host.includes(':') && /^[0-9a-f:.]+$/i.test(host);
}

/** RFC 2606 / 6761 / 5737 / 3849 names and addresses that can never be anyone's production. */
const RESERVED_SUFFIXES = ['.example', '.test', '.invalid', '.localhost'];
const RESERVED_DOMAINS = ['example.com', 'example.org', 'example.net', 'localhost', 'localhost.localdomain'];
/** Names that resolve to the developer's own machine inside containers and local clusters. */
const LOCAL_MACHINE_NAMES = ['host.docker.internal', 'gateway.docker.internal', 'kubernetes.docker.internal', 'host.minikube.internal', 'host.containers.internal'];

/**
 * Loopback, unspecified and documentation addresses and reserved names: never a finding, not even
 * with a password in the URL (a local development database is not a leaked secret).
 */
export function isLocalOrReserved(rawHost: string): boolean {
  const h = normalizeHost(rawHost);
  if (!h) return true;
  if (RESERVED_DOMAINS.some((d) => h === d || h.endsWith('.' + d))) return true;
  if (RESERVED_SUFFIXES.some((s) => h.endsWith(s))) return true;
  if (LOCAL_MACHINE_NAMES.includes(h)) return true;
  if (isIPv4(h)) {
    const [a, b, c] = h.split('.').map(Number);
    if (a === 127 || a === 0) return true;
    if (a === 192 && b === 0 && c === 2) return true;
    if (a === 198 && b === 51 && c === 100) return true;
    if (a === 203 && b === 0 && c === 113) return true;
    return false;
  }
  if (isIPv6(h)) {
    if (h === '::1' || h === '::' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(h)) return true;
    if (h.startsWith('::ffff:127.')) return true;
    if (/^2001:0?db8:/.test(h)) return true;
    return false;
  }
  return false;
}

/** Words that name a production environment when they stand alone as a token of a host label. */
export const PRODUCTION_TOKENS: ReadonlySet<string> = new Set(['prod', 'production', 'prd', 'live']);

/**
 * Domains where a production-looking label is part of a third party's brand, not an environment
 * (`login.live.com` is Microsoft's sign-in, not your live system).
 */
const BRAND_DOMAINS = ['live.com', 'live.net'];

/**
 * The production token a name carries as a delimited token (`prod`, `prod-db`, `db_prod2`,
 * `orders-production`), or undefined. Tokens are split on `-`, `_`, `.`; trailing digits are
 * dropped (`prod01`), so `product`, `prodigy`, `delivery` and `liveness` never match.
 */
export function productionToken(name: string): string | undefined {
  for (const raw of name.toLowerCase().split(/[-_.]+/)) {
    const tok = raw.replace(/\d+$/, '');
    if (PRODUCTION_TOKENS.has(tok)) return tok;
  }
  return undefined;
}

/** The production token in a host's labels, leaving out the top-level domain (`acme.live`). */
export function hostProductionToken(rawHost: string): string | undefined {
  const h = normalizeHost(rawHost);
  if (isIPv4(h) || isIPv6(h)) return undefined;
  if (BRAND_DOMAINS.some((d) => h === d || h.endsWith('.' + d))) return undefined;
  const labels = h.split('.');
  const checked = labels.length > 1 ? labels.slice(0, -1) : labels;
  for (const label of checked) {
    const tok = productionToken(label);
    if (tok) return tok;
  }
  return undefined;
}

interface ManagedService {
  name: string;
  /** Matched against the normalised host. */
  pattern: RegExp;
}

/**
 * Hosted database, cache, search and warehouse endpoints. These are names a provider gives one
 * customer's data store: a regional API endpoint (`dynamodb.us-east-1.amazonaws.com`) is not one.
 */
const MANAGED_SERVICES: readonly ManagedService[] = [
  { name: 'Amazon RDS / Aurora', pattern: /\.rds\.amazonaws\.com(\.cn)?$/ },
  { name: 'Amazon ElastiCache', pattern: /\.cache\.amazonaws\.com(\.cn)?$/ },
  { name: 'Amazon MemoryDB', pattern: /\.memorydb\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/ },
  { name: 'Amazon Redshift', pattern: /\.redshift(-serverless)?\.amazonaws\.com(\.cn)?$/ },
  { name: 'Amazon DocumentDB', pattern: /\.docdb\.amazonaws\.com(\.cn)?$/ },
  { name: 'Amazon Neptune', pattern: /\.neptune\.amazonaws\.com(\.cn)?$/ },
  { name: 'Amazon OpenSearch', pattern: /\.(es|aoss)\.amazonaws\.com(\.cn)?$/ },
  { name: 'Azure SQL Database', pattern: /\.database\.windows\.net$/ },
  { name: 'Azure Database for PostgreSQL/MySQL/MariaDB', pattern: /\.(postgres|mysql|mariadb)\.database\.azure\.com$/ },
  { name: 'Azure Cache for Redis', pattern: /\.redis(enterprise)?\.cache\.(windows|azure)\.net$/ },
  { name: 'Azure Cosmos DB', pattern: /\.(documents\.azure\.com|(mongo|cassandra|gremlin|table)\.cosmos\.azure\.com)$/ },
  { name: 'Azure Synapse', pattern: /\.sql\.azuresynapse\.net$/ },
  { name: 'Azure Data Explorer', pattern: /\.kusto\.windows\.net$/ },
  { name: 'Google Cloud SQL', pattern: /\.sql\.goog$/ },
  { name: 'MongoDB Atlas', pattern: /\.mongodb\.net$/ },
  { name: 'Elastic Cloud', pattern: /\.(found\.io|elastic-cloud\.com|cloud\.es\.io)$/ },
  { name: 'Redis Cloud', pattern: /\.(redislabs\.com|redis-cloud\.com)$/ },
  { name: 'Upstash', pattern: /\.upstash\.io$/ },
  { name: 'PlanetScale', pattern: /\.psdb\.cloud$/ },
  { name: 'Neon', pattern: /\.neon\.tech$/ },
  { name: 'Supabase', pattern: /^(db\.[a-z0-9]+\.supabase\.co|[a-z0-9-]+\.pooler\.supabase\.com)$/ },
  { name: 'CockroachDB Cloud', pattern: /\.cockroachlabs\.cloud$/ },
  { name: 'Aiven', pattern: /\.aivencloud\.com$/ },
  { name: 'DigitalOcean Managed Databases', pattern: /\.db\.ondigitalocean\.com$/ },
  { name: 'Snowflake', pattern: /\.snowflakecomputing\.com$/ },
  { name: 'ClickHouse Cloud', pattern: /\.clickhouse\.cloud$/ },
  { name: 'Timescale Cloud', pattern: /\.tsdb\.cloud\.timescale\.com$/ },
];

/** The managed data service a host belongs to, or undefined. */
export function managedService(rawHost: string): string | undefined {
  const h = normalizeHost(rawHost);
  return MANAGED_SERVICES.find((s) => s.pattern.test(h))?.name;
}

/**
 * Top-level domains trusted for bare dotted tokens in free text. Deliberately not every IANA TLD:
 * with `.events`, `.zip` or `.py` in the list, Java packages and file names would read as hosts.
 * Internal suffixes (`.internal`, `.local`, `.svc`, `.corp`, ...) count as well.
 */
const BARE_GENERIC_TLDS = new Set([
  'com', 'net', 'org', 'io', 'co', 'ai', 'app', 'dev', 'cloud', 'biz', 'info', 'gov', 'edu', 'mil', 'int',
  'eu', 'tech', 'online', 'site', 'xyz', 'services', 'systems', 'network', 'company', 'global', 'digital',
  'internal', 'local', 'lan', 'corp', 'intranet', 'private', 'svc', 'home', 'intra', 'priv', 'goog', 'aws',
]);

/**
 * Two-letter country codes that are also common file extensions or code words: a bare
 * `deploy.prod.sh` is a script, not a host in Saint Helena.
 */
const FILE_LIKE_CCTLDS = new Set(['py', 'sh', 'md', 'rs', 'pl', 'so', 'ps', 'ml', 'mk', 'tf', 'sc', 'mo', 'cs', 'pm', 'hs', 'js', 'ts', 'rb', 'go', 'gz', 'el', 'kt', 'cc', 'cx', 'bz', 'mp', 'do', 'is', 'it', 'to', 'as', 'at', 'by', 'in', 'im', 'am', 'no', 'on', 'or']);

/** Reversed-domain prefixes of Java/Kotlin/Android package names (`com.acme.io`). */
const PACKAGE_ROOTS = new Set(['com', 'org', 'net', 'io', 'edu', 'gov', 'de', 'uk', 'fr', 'nl', 'ch', 'dev', 'app', 'co', 'me', 'android', 'java', 'javax', 'kotlin', 'scala', 'jakarta', 'sun']);

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Whether the text is a syntactically valid host name (letters, digits, hyphens; dotted). */
export function isHostName(rawHost: string, allowUnderscore = false): boolean {
  const h = normalizeHost(rawHost);
  if (!h || h.length > 253) return false;
  if (isIPv4(h) || isIPv6(h)) return true;
  const labels = h.split('.');
  if (/^\d+$/.test(labels[labels.length - 1])) return false;
  return labels.every((l) => LABEL.test(allowUnderscore ? l.replace(/_/g, 'x') : l));
}

/**
 * Whether a dotted token found in free text (no URL, no host-like key around it) is a host name:
 * at least two labels, a trusted top-level domain or internal suffix, and not shaped like a
 * package name (`com.acme.prod.io`), a file name (`deploy.prod.sh`) or a version (`1.2.3`).
 */
export function isBareHost(token: string): boolean {
  const h = normalizeHost(token);
  if (isIPv4(h)) return true;
  if (!isHostName(h)) return false;
  const labels = h.split('.');
  if (labels.length < 2) return false;
  const tld = labels[labels.length - 1];
  const trusted = BARE_GENERIC_TLDS.has(tld) || (/^[a-z]{2}$/.test(tld) && !FILE_LIKE_CCTLDS.has(tld));
  if (!trusted) return false;
  if (labels.length >= 3 && PACKAGE_ROOTS.has(labels[0])) return false;
  return true;
}
