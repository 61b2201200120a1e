// Reading settings files through the model: dotted keys that may be written flat
// (`"chat.tools.global.autoApprove": true`), nested (`{"chat": {"tools": ...}}`) or mixed, and
// path-suffix matching so a settings file in a monorepo sub-folder is still recognised.
import type { Node } from '../model';
import { resolve, scalarText } from '../model';

/** A value found under a dotted key, with the concrete key (wildcards filled in). */
export interface SettingHit {
  key: string;
  node: Node;
}

/**
 * Every value under `key` (dot-separated; a `*` segment matches any key). Later duplicates win,
 * as they do for the tools that read these files, so only the last entry for a key is returned.
 */
export function lookupSetting(root: Node | undefined, key: string): SettingHit[] {
  if (!root) return [];
  const out = new Map<string, Node>();
  collect(resolve(root), key.split('.'), [], out);
  return [...out].map(([k, node]) => ({ key: k, node }));
}

/** The last value under a dotted key without wildcards. */
export function setting(root: Node | undefined, key: string): Node | undefined {
  const hits = lookupSetting(root, key);
  return hits.length ? hits[hits.length - 1].node : undefined;
}

function collect(node: Node, segments: string[], done: string[], out: Map<string, Node>): void {
  if (!segments.length) {
    const k = done.join('.');
    out.delete(k);
    out.set(k, node);
    return;
  }
  if (node.kind !== 'object') return;
  for (const e of node.entries) {
    const value = resolve(e.value);
    if (segments[0] === '*') {
      collect(value, segments.slice(1), [...done, e.key], out);
      continue;
    }
    // A flat key may swallow several segments: "chat.tools" then ".global.autoApprove".
    const parts = e.key.split('.');
    if (parts.length > segments.length) continue;
    if (parts.every((p, i) => p === segments[i])) collect(value, segments.slice(parts.length), [...done, ...parts], out);
  }
}

/**
 * Whether a repo-relative path ends with the given path suffix at a segment boundary
 * (`*.ext` matches any file name ending in `.ext`).
 */
export function pathEndsWith(path: string, suffix: string): boolean {
  const p = path.replace(/\\/g, '/');
  if (suffix.startsWith('*')) return p.endsWith(suffix.slice(1));
  return p === suffix || p.endsWith('/' + suffix);
}

/** Scalar text of a node, lower-cased; undefined for non-scalars. */
export function lowerText(node: Node | undefined): string | undefined {
  const t = scalarText(node ? resolve(node) : undefined);
  return t === undefined ? undefined : t.toLowerCase();
}

