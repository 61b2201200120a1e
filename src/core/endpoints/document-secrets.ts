// Every real password embedded in a document's URLs and connection strings, so that no finding of
// any detector shows one in its message or snippets.
import type { Finding } from '../findings';
import { walk, type Doc, type Node } from '../model';
import { nodesMayBeShared } from '../parse';
import { collectMemo } from '../node-memo';
import { extractEndpoints } from './extract';
import { isPlaceholderSecret, maskSecrets } from './secrets';

/** Per document (the editor's baseline is masked against on every edit) and per node. */
const byDoc = new WeakMap<Doc, Set<string>>();
const byNode = new WeakMap<Node, readonly string[]>();

export function documentSecrets(doc: Doc): Set<string> {
  let out = byDoc.get(doc);
  if (out) return out;
  const visit = (node: Node, acc: string[]) => {
    if (node.kind !== 'string' || node.embedded || !/[:=@]/.test(node.value)) return;
    for (const ref of extractEndpoints(node.value)) {
      if (ref.secret && !isPlaceholderSecret(ref.secret.value)) acc.push(ref.secret.value);
    }
  };
  if (nodesMayBeShared(doc)) out = new Set(collectMemo(doc.roots, byNode, visit));
  else {
    const acc: string[] = [];
    for (const r of doc.roots) walk(r, (n) => visit(n, acc));
    out = new Set(acc);
  }
  byDoc.set(doc, out);
  return out;
}

/** Masks embedded secrets of the before and after documents in findings' text, in place. */
export function maskFindings(findings: Finding[], docs: Array<Doc | undefined>): void {
  if (!findings.length) return;
  const secrets = new Set<string>();
  for (const d of docs) if (d) for (const s of documentSecrets(d)) secrets.add(s);
  if (!secrets.size) return;
  for (const f of findings) {
    f.message = maskSecrets(f.message, secrets);
    if (f.after !== undefined) f.after = maskSecrets(f.after, secrets);
    if (f.before !== undefined) f.before = maskSecrets(f.before, secrets);
    if (f.details !== undefined) f.details = maskSecrets(f.details, secrets);
  }
}
