// Inbound network rules in one shape (group, protocol, port range, sources), read from AWS security
// groups (Terraform inline `ingress`, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`,
// CloudFormation `SecurityGroupIngress`), GCP `google_compute_firewall` and Azure network security
// rules (Terraform and ARM). Rules are keyed by the group they belong to, so moving an inline rule
// into a separate rule resource keeps its identity.
import { get, resolve, scalarText, type Doc, type Node, type Obj } from '../model';
import { blocks, iacResources, referencedAddress, valueText, type IacResource } from '../iac/resources';

export interface Source {
  text: string;
  opaque: boolean;
  node: Node;
}

export interface IngressRule {
  /** The security group / firewall / NSG the rule opens. */
  group: string;
  /** Human name of the group for messages. */
  label: string;
  /** `tcp`, `udp`, `icmp`, `all`, or the protocol as written. */
  protocol: string;
  from: number;
  to: number;
  /** Ports are a variable: the range is unknown. */
  portsOpaque: boolean;
  sources: Source[];
  node: Node;
}

const ALL = new Set(['-1', 'all', '*', 'asterisk', 'any']);

export function normalizeProtocol(p: string | undefined): string {
  const t = (p ?? 'all').trim().toLowerCase();
  if (ALL.has(t)) return 'all';
  if (t === '6') return 'tcp';
  if (t === '17') return 'udp';
  if (t === '1' || t === '58' || t === 'icmpv6') return 'icmp';
  return t;
}

function num(n: Node | undefined): number | undefined {
  const t = valueText(n);
  if (t === undefined || !/^-?\d+$/.test(t.trim())) return undefined;
  return Number(t);
}

function sources(n: Node | undefined): Source[] {
  if (!n) return [];
  const r = resolve(n);
  const items = r.kind === 'array' ? r.items.map(resolve) : [r];
  const out: Source[] = [];
  for (const i of items) {
    const s = scalarText(i);
    if (s !== undefined && i.kind === 'string') out.push({ text: s, opaque: /\$\{/.test(s), node: i });
    else if (i.kind === 'opaque') out.push({ text: i.text, opaque: true, node: i });
    else if (i.kind === 'object') out.push({ text: valueText(i) ?? intrinsic(i), opaque: true, node: i });
  }
  return out;
}

function intrinsic(o: Obj): string {
  const e = o.entries[0];
  return e ? `${e.key} ${valueText(e.value) ?? '…'}` : '{}';
}

/** `22`, `1000-2000`, `*`: a port range; undefined when it is a variable. */
function portRange(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '*' || t === '' || t.toLowerCase() === 'any') return [0, 65535];
  const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(t);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

function awsRule(group: string, label: string, body: Obj, keys: { from: string; to: string; proto: string; cidrs: string[] }, node: Node): IngressRule {
  const protocol = normalizeProtocol(valueText(get(body, keys.proto)));
  const fromN = get(body, keys.from);
  const toN = get(body, keys.to);
  let from = num(fromN);
  let to = num(toN);
  const portsOpaque = (fromN !== undefined && from === undefined) || (toN !== undefined && to === undefined);
  if (protocol === 'all' || from === -1 || to === -1 || (from === undefined && to === undefined)) {
    from = 0;
    to = 65535;
  }
  return { group, label, protocol, from: from ?? to ?? 0, to: to ?? from ?? 65535, portsOpaque, sources: keys.cidrs.flatMap((k) => sources(get(body, k))), node };
}

function groupOf(ref: Node | undefined, fallback: string, cfnRefs = false): string {
  const t = ref ? valueText(ref) : undefined;
  if (t) {
    const addr = referencedAddress(t);
    if (addr) return addr;
  }
  if (cfnRefs && ref) {
    const r = resolve(ref);
    if (r.kind === 'object') {
      const ga = get(r, 'Fn::GetAtt');
      const target = valueText(get(r, 'Ref')) ?? (ga?.kind === 'array' ? valueText(ga.items[0]) : valueText(ga)?.split('.')[0]);
      if (target) return `Resources.${target}`;
    }
  }
  return t ? `group(${t})` : fallback;
}

const TF_AWS = { from: 'from_port', to: 'to_port', proto: 'protocol', cidrs: ['cidr_blocks', 'ipv6_cidr_blocks'] };
const CFN_AWS = { from: 'FromPort', to: 'ToPort', proto: 'IpProtocol', cidrs: ['CidrIp', 'CidrIpv6'] };

function fromAws(r: IacResource, out: IngressRule[]): void {
  if (r.type === 'aws_security_group') {
    for (const b of blocks(r.body, 'ingress')) out.push(awsRule(r.address, `security group ${r.name}`, b, TF_AWS, b));
  } else if (r.type === 'aws_security_group_rule') {
    if ((valueText(get(r.body, 'type')) ?? '').toLowerCase() !== 'ingress') return;
    const g = groupOf(get(r.body, 'security_group_id'), r.address);
    out.push(awsRule(g, `security group rule ${r.name}`, r.body, TF_AWS, r.node));
  } else if (r.type === 'aws_vpc_security_group_ingress_rule') {
    const g = groupOf(get(r.body, 'security_group_id'), r.address);
    out.push(awsRule(g, `security group ingress rule ${r.name}`, r.body, { from: 'from_port', to: 'to_port', proto: 'ip_protocol', cidrs: ['cidr_ipv4', 'cidr_ipv6'] }, r.node));
  } else if (r.type === 'AWS::EC2::SecurityGroup') {
    for (const b of blocks(r.body, 'SecurityGroupIngress')) out.push(awsRule(r.address, `security group ${r.name}`, b, CFN_AWS, b));
  } else if (r.type === 'AWS::EC2::SecurityGroupIngress') {
    const g = groupOf(get(r.body, 'GroupId') ?? get(r.body, 'GroupName'), r.address, true);
    out.push(awsRule(g, `security group ingress ${r.name}`, r.body, CFN_AWS, r.node));
  }
}

function fromGcp(r: IacResource, out: IngressRule[]): void {
  if (r.type !== 'google_compute_firewall') return;
  if ((valueText(get(r.body, 'direction')) ?? 'INGRESS').toUpperCase() !== 'INGRESS') return;
  if (valueText(get(r.body, 'disabled')) === 'true') return;
  const src = sources(get(r.body, 'source_ranges'));
  for (const allow of blocks(r.body, 'allow')) {
    const protocol = normalizeProtocol(valueText(get(allow, 'protocol')));
    const ports = get(allow, 'ports');
    const list = ports ? (resolve(ports).kind === 'array' ? (resolve(ports) as { items: Node[] }).items : [ports]) : [];
    if (!list.length || protocol === 'all') {
      out.push({ group: r.address, label: `firewall ${r.name}`, protocol, from: 0, to: 65535, portsOpaque: false, sources: src, node: allow });
      continue;
    }
    for (const p of list) {
      const range = portRange(valueText(p));
      out.push({ group: r.address, label: `firewall ${r.name}`, protocol, from: range?.[0] ?? 0, to: range?.[1] ?? 65535, portsOpaque: !range, sources: src, node: allow });
    }
  }
}

interface NsgKeys {
  access: string;
  direction: string;
  protocol: string;
  src: string[];
  port: string;
  ports: string;
}

const TF_NSG: NsgKeys = { access: 'access', direction: 'direction', protocol: 'protocol', src: ['source_address_prefix', 'source_address_prefixes'], port: 'destination_port_range', ports: 'destination_port_ranges' };
const ARM_NSG: NsgKeys = { access: 'access', direction: 'direction', protocol: 'protocol', src: ['sourceAddressPrefix', 'sourceAddressPrefixes'], port: 'destinationPortRange', ports: 'destinationPortRanges' };

function nsgRule(group: string, label: string, body: Obj, k: NsgKeys, out: IngressRule[]): void {
  if ((valueText(get(body, k.access)) ?? '').toLowerCase() !== 'allow') return;
  if ((valueText(get(body, k.direction)) ?? '').toLowerCase() !== 'inbound') return;
  const protocol = normalizeProtocol(valueText(get(body, k.protocol)));
  const src = k.src.flatMap((s) => sources(get(body, s)));
  const portNodes = [...(get(body, k.port) ? [get(body, k.port)!] : []), ...(() => {
    const p = get(body, k.ports);
    if (!p) return [];
    const r = resolve(p);
    return r.kind === 'array' ? r.items : [r];
  })()];
  for (const p of portNodes.length ? portNodes : [undefined]) {
    const range = p ? portRange(valueText(p)) : ([0, 65535] as [number, number]);
    out.push({ group, label, protocol, from: range?.[0] ?? 0, to: range?.[1] ?? 65535, portsOpaque: !range, sources: src, node: body });
  }
}

function fromAzure(r: IacResource, out: IngressRule[]): void {
  const t = r.type.toLowerCase();
  if (t === 'azurerm_network_security_group') {
    for (const b of blocks(r.body, 'security_rule')) nsgRule(r.address, `network security group ${r.name}`, b, TF_NSG, out);
  } else if (t === 'azurerm_network_security_rule') {
    nsgRule(groupOf(get(r.body, 'network_security_group_name'), r.address), `network security rule ${r.name}`, r.body, TF_NSG, out);
  } else if (t === 'microsoft.network/networksecuritygroups') {
    for (const rule of blocks(r.body, 'securityRules')) {
      const props = get(rule, 'properties');
      if (props?.kind === 'object') nsgRule(r.address, `network security group ${r.name}`, props, ARM_NSG, out);
    }
  } else if (t === 'microsoft.network/networksecuritygroups/securityrules') {
    nsgRule(r.address.replace(/\/securityRules\.([^/]*)$/i, ''), `network security rule ${r.name}`, r.body, ARM_NSG, out);
  }
}

export function extractIngressRules(doc: Doc): IngressRule[] {
  const out: IngressRule[] = [];
  for (const r of iacResources(doc)) {
    fromAws(r, out);
    fromGcp(r, out);
    fromAzure(r, out);
  }
  return out;
}

/**
 * Sources that mean "the whole Internet": any-address CIDRs, Azure's `*`/`Internet`/`Any` tags, and
 * /1 halves (two /1 rules are a known way around a /0 check). Returns the address family.
 */
export function worldFamily(source: string): 'IPv4' | 'IPv6' | undefined {
  const t = source.trim().toLowerCase();
  if (t === '*' || t === 'internet' || t === 'any' || t === '0.0.0.0') return 'IPv4';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(t);
  if (v4) return Number(v4[5]) <= 1 ? 'IPv4' : undefined;
  const v6 = /^([0-9a-f:]+)\/(\d{1,3})$/.exec(t);
  if (v6 && v6[1].includes(':')) return Number(v6[2]) <= 1 ? 'IPv6' : undefined;
  return undefined;
}
