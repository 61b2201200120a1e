// Model snapshots: a readable JSON rendering of a Doc compared with a committed file.
// Regenerate with UPDATE_SNAPSHOTS=1 npm test, then review the diff before committing.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Doc, Node } from '../../src/core/model';
import { formatPath } from '../../src/core/model';

/** Node -> plain JSON keeping kind, tag, labels, callee, key path and start line:column. */
export function renderNode(node: Node): unknown {
  const at = `${formatPath(node.path) || '$'} @${node.range.startLine}:${node.range.startColumn}`;
  const meta: Record<string, unknown> = { at };
  if (node.tag) meta.tag = node.tag;
  switch (node.kind) {
    case 'object':
      if (node.labels?.length) meta.labels = node.labels;
      return { ...meta, object: node.entries.map((e) => [e.key, renderNode(e.value)]) };
    case 'array':
      return { ...meta, array: node.items.map(renderNode) };
    case 'string':
      return node.embedded ? { ...meta, string: node.value, embedded: renderNode(node.embedded) } : { ...meta, string: node.value };
    case 'number':
      return { ...meta, number: node.raw };
    case 'boolean':
      return { ...meta, boolean: node.value };
    case 'null':
      return { ...meta, null: true };
    case 'opaque': {
      const o: Record<string, unknown> = { ...meta, opaque: node.text.length > 120 ? node.text.slice(0, 117) + '...' : node.text };
      if (node.callee !== undefined) o.callee = node.callee;
      if (node.args) o.args = node.args.map(renderNode);
      if (node.kwargs) o.kwargs = renderNode(node.kwargs);
      return o;
    }
  }
}

export function renderDoc(doc: Doc): unknown {
  return {
    language: doc.language,
    problems: doc.problems.map((p) => `${p.range.startLine}:${p.range.startColumn} ${p.message}`),
    roots: doc.roots.map(renderNode),
  };
}

/** Compares `value` with the snapshot file, writing it when missing or when UPDATE_SNAPSHOTS=1. */
export function matchSnapshot(value: unknown, file: string): void {
  const text = JSON.stringify(value, null, 2) + '\n';
  // In CI a missing snapshot is a forgotten file, not a first run: writing it would pass blindly.
  if (!existsSync(file) && process.env.CI && process.env.UPDATE_SNAPSHOTS !== '1') assert.fail(`snapshot ${file} is missing (run UPDATE_SNAPSHOTS=1 npm test and commit it)`);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.equal(text, readFileSync(file, 'utf8'), `snapshot ${file} differs (UPDATE_SNAPSHOTS=1 to regenerate)`);
}
