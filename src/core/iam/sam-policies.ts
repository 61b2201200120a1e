// SAM `Policies` entries that name a policy template (`- S3CrudPolicy: { BucketName: b }`) expanded
// into the statements SAM generates, with the template's parameters substituted. A parameter whose
// value is not a literal (`!Ref Bucket`, a missing parameter) makes the values that use it opaque,
// so the grant is reported as unresolved instead of being read as narrow or as `*`.
import { get, resolve, type Node, type Obj } from '../model';
import { valueOf, type AwsStatement, type PolicyValue } from './aws-policy';
import { SAM_POLICY_TEMPLATES, type SamPolicyTemplate } from './sam-policy-templates';

/** SAM template names end in `Policy` (`KMSEncryptPolicy_v2`); anything else under `Policies` is not one. */
const TEMPLATE_NAME = /^[A-Za-z0-9]+Policy(_v\d+)?$/;
const PLACEHOLDER = /\$\{([A-Za-z0-9]+)\}/g;

/** Whether `node` (an item of a SAM `Policies` list, or its whole value) is a policy-template entry. */
export function samTemplateEntry(node: Obj): { name: string; args: Node } | undefined {
  if (node.entries.length !== 1) return undefined;
  const [e] = node.entries;
  if (!TEMPLATE_NAME.test(e.key) && !Object.hasOwn(SAM_POLICY_TEMPLATES, e.key)) return undefined;
  return { name: e.key, args: e.value };
}

interface Substituted {
  text: string;
  opaque: boolean;
  node: Node;
}

function substitute(pattern: string, args: Node, item: Node): Substituted {
  let opaque = false;
  let node: Node = item;
  const text = pattern.replace('${AWS::Partition}', 'aws').replace(PLACEHOLDER, (_m, param: string) => {
    const v = resolve(args).kind === 'object' ? get(args, param) : undefined;
    if (!v) {
      opaque = true;
      return `\${${param}}`;
    }
    const pv: PolicyValue = valueOf(v);
    node = pv.node;
    if (pv.opaque) {
      opaque = true;
      return `{${pv.text}}`;
    }
    return pv.text;
  });
  return { text, opaque, node };
}

function expand(t: SamPolicyTemplate, args: Node, item: Node): AwsStatement[] {
  return t.statements.map((s) => {
    const conditions: PolicyValue[] = [];
    for (const [op, body] of Object.entries(s.condition ?? {})) {
      for (const [key, pattern] of Object.entries(body)) {
        const v = substitute(pattern, args, item);
        conditions.push({ ...v, text: `${op}|${key.toLowerCase()}|${v.text}` });
      }
    }
    return {
      effect: 'Allow',
      actions: s.actions.map((a) => ({ text: a, opaque: false, node: item })),
      resources: s.resources.map((r) => substitute(r, args, item)),
      conditions,
      node: item,
    };
  });
}

/**
 * The statements a template entry grants. A name SAM does not define (a newer template, a typo)
 * becomes one statement whose action is opaque, so it is reported as unresolved.
 */
export function samTemplateStatements(name: string, args: Node, item: Node): AwsStatement[] {
  const t = Object.hasOwn(SAM_POLICY_TEMPLATES, name) ? SAM_POLICY_TEMPLATES[name] : undefined;
  if (t) return expand(t, args, item);
  const why = `SAM policy template ${name}, which is not in the bundled list of AWS SAM's templates`;
  return [{ effect: 'Allow', actions: [{ text: why, opaque: true, node: item }], conditions: [], node: item, unresolvedDocument: why }];
}
