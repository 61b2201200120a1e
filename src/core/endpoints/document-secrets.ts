// Every real password embedded in a document's URLs and connection strings, so that no finding of
// any detector shows one in its message or snippets.
import type { Finding } from '../findings';
import { walkDoc, type Doc } from '../model';
import { extractEndpoints } from './extract';
import { isPlaceholderSecret, maskSecrets } from './secrets';

export function documentSecrets(doc: Doc): Set<string> {
  const out = new Set<string>();
  walkDoc(doc, (node) => {
    if (node.kind !== 'string' || node.embedded || !/[:=@]/.test(node.value)) return;
    for (const ref of extractEndpoints(node.value)) {
      if (ref.secret && !isPlaceholderSecret(ref.secret.value)) out.add(ref.secret.value);
    }
  });
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
