// Java `.properties` -> one flat object, keys as written (`spring.datasource.url` is one key).
// The grammar finds keys and values (all separators, comments, continuation lines); the text of
// each is decoded here the way java.util.Properties does.
import type { Node as TsNode } from 'web-tree-sitter';
import type { Node, ObjEntry, Str } from '../model';
import type { LowerContext } from './context';
import { attachEmbedded, type OffsetMap } from './embedded';

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };
/** Spring/Java placeholder syntax; `$NAME` alone is not a reference in this format. */
const PLACEHOLDER = /\$\{[^}]*\}/;

export function lowerProperties(root: TsNode, ctx: LowerContext): Node[] {
  const entries: ObjEntry[] = [];
  for (const prop of root.namedChildren) {
    if (prop?.type !== 'property') continue;
    const keyNode = prop.namedChildren.find((x) => x?.type === 'key');
    const valueNode = prop.namedChildren.find((x) => x?.type === 'value');
    if (!keyNode) continue;
    const key = decodeProperty(ctx.text, keyNode.startIndex, keyNode.endIndex).value;
    const path = [...ctx.basePath, key];
    let value: Node;
    if (!valueNode) {
      value = { kind: 'string', value: '', range: ctx.range(prop.endIndex, prop.endIndex), path };
    } else {
      const decoded = decodeProperty(ctx.text, valueNode.startIndex, valueNode.endIndex);
      if (PLACEHOLDER.test(valueNode.text)) {
        value = ctx.opaque(valueNode, path);
      } else {
        const str: Str = { kind: 'string', value: decoded.value, range: ctx.rangeOf(valueNode), path };
        value = attachEmbedded(str, decoded.map, ctx);
      }
    }
    entries.push({ key, keyRange: ctx.rangeOf(keyNode), value });
  }
  return [{ kind: 'object', entries, range: ctx.rangeOf(root), path: ctx.basePath }];
}

/**
 * Decodes a key or value: `\uXXXX`, `\t\n\r\f`, any other escaped character as itself, and a
 * backslash at the end of a line joining the next line without its leading whitespace.
 */
function decodeProperty(text: string, start: number, end: number): { value: string; map: OffsetMap } {
  const chars: string[] = [];
  const offsets: number[] = [];
  let i = start;
  while (i < end) {
    const c = text[i];
    if (c === '\\' && i + 1 < end) {
      const n = text[i + 1];
      if (n === '\n' || n === '\r') {
        i += n === '\r' && text[i + 2] === '\n' ? 3 : 2;
        while (i < end && (text[i] === ' ' || text[i] === '\t' || text[i] === '\f')) i++;
        continue;
      }
      let decoded = ESCAPES[n] ?? n;
      let len = 2;
      if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        decoded = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        len = 6;
      }
      chars.push(decoded);
      offsets.push(i);
      i += len;
      continue;
    }
    chars.push(c);
    offsets.push(i);
    i++;
  }
  return { value: chars.join(''), map: (idx) => (idx < offsets.length ? offsets[idx] : end) };
}
