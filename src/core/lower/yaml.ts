// YAML (multi-document streams) -> model.
import type { Node as TsNode } from 'web-tree-sitter';
import type { Node } from '../model';
import type { LowerContext } from './context';

export function lowerYaml(_root: TsNode, _ctx: LowerContext): Node[] {
  throw new Error('YAML lowering is not implemented yet');
}
