// Matching values against the rules file's `production` section (hosts, urls, cloud accounts,
// projects, subscriptions, Kubernetes contexts).
import { minimatch, Minimatch } from 'minimatch';
import type { ProductionConfig } from '../rules';
import { normalizeHost } from './hosts';

export interface RuleHit {
  /** `production.hosts`, `production.awsAccounts`, ... */
  list: string;
  /** The entry that matched, as written in the rules file. */
  pattern: string;
}

export interface ValueHit extends RuleHit {
  /** The matched value as found (account id, project id, subscription id). */
  value: string;
}

interface Glob {
  pattern: string;
  m: Minimatch;
}

export interface ProductionMatcher {
  host(host: string): RuleHit | undefined;
  url(url: string): RuleHit | undefined;
  kubeContext(name: string): RuleHit | undefined;
  /** AWS account ids, GCP project ids and Azure subscription ids named in `text`. */
  accounts(text: string): ValueHit[];
  readonly hasAccounts: boolean;
}

const GLOB_CHARS = /[*?[\]{}!]/;

function globs(patterns: readonly string[] | undefined): Glob[] {
  return (patterns ?? [])
    .filter((p) => typeof p === 'string' && p.trim())
    .map((p) => ({ pattern: p, m: new Minimatch(p.trim().toLowerCase(), { nocase: true, dot: true, nocomment: true, nonegate: true }) }));
}

/**
 * A `urls` entry is a glob over `scheme://host[:port]/path` (no credentials, query or fragment);
 * an entry without glob characters also matches everything below it (`https://pay.acme.com/v1`
 * matches `https://pay.acme.com/v1/charges`).
 */
function matchUrl(pattern: string, m: Minimatch, url: string): boolean {
  if (m.match(url)) return true;
  const p = pattern.trim().toLowerCase().replace(/\/+$/, '');
  if (GLOB_CHARS.test(p)) return minimatch(url, p + '/**', { nocase: true, dot: true });
  return url === p || url.startsWith(p + '/');
}

const cache = new WeakMap<object, ProductionMatcher>();

export function productionMatcher(prod: Required<ProductionConfig>): ProductionMatcher {
  const hit = cache.get(prod);
  if (hit) return hit;
  const hosts = globs(prod.hosts);
  const urls = globs(prod.urls);
  const contexts = globs(prod.kubeContexts);
  const aws = new Map((prod.awsAccounts ?? []).map((a) => [String(a).trim(), String(a)] as const));
  const gcp = globs(prod.gcpProjects);
  const azure = new Map((prod.azureSubscriptions ?? []).map((a) => [String(a).trim().toLowerCase(), String(a)] as const));
  const matcher: ProductionMatcher = {
    host(host) {
      const h = normalizeHost(host);
      const g = hosts.find((x) => x.m.match(h));
      return g && { list: 'production.hosts', pattern: g.pattern };
    },
    url(url) {
      const u = url.toLowerCase();
      const g = urls.find((x) => matchUrl(x.pattern, x.m, u));
      return g && { list: 'production.urls', pattern: g.pattern };
    },
    kubeContext(name) {
      const g = contexts.find((x) => x.m.match(name.toLowerCase()));
      return g && { list: 'production.kubeContexts', pattern: g.pattern };
    },
    hasAccounts: aws.size + gcp.length + azure.size > 0,
    accounts(text) {
      const out: ValueHit[] = [];
      if (aws.size) {
        for (const m of text.matchAll(/(?<!\d)\d{12}(?!\d)/g)) {
          const p = aws.get(m[0]);
          if (p) out.push({ list: 'production.awsAccounts', pattern: p, value: m[0] });
        }
      }
      if (gcp.length) {
        for (const m of text.matchAll(/(?<![a-z0-9-])[a-z][a-z0-9-]{4,28}[a-z0-9](?![a-z0-9-])/g)) {
          const g = gcp.find((x) => x.m.match(m[0]));
          if (g) out.push({ list: 'production.gcpProjects', pattern: g.pattern, value: m[0] });
        }
      }
      if (azure.size) {
        for (const m of text.matchAll(/(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])/gi)) {
          const p = azure.get(m[0].toLowerCase());
          if (p) out.push({ list: 'production.azureSubscriptions', pattern: p, value: m[0].toLowerCase() });
        }
      }
      return out;
    },
  };
  cache.set(prod, matcher);
  return matcher;
}
