// Network exposure (exposure/*): inbound rules opened to the whole Internet (0.0.0.0/0, ::/0, /1
// halves, Azure `*`/`Internet`/`Any`). A rule is reported when after exposes ports of a group that
// before did not expose to the world; severity follows the worst port in the range (admin ports and
// all ports critical, databases and infrastructure services high, other ports medium, plain web low).
import { makeFinding, type Finding, type Severity } from '../findings';
import type { Doc } from '../model';
import { extractIngressRules, worldFamily, type IngressRule } from '../exposure/ingress';
import type { Detector, RuleMeta } from './detector';

export const EXPOSURE_RULES: readonly RuleMeta[] = [
  { id: 'exposure/world-open-admin-port', category: 'exposure', defaultSeverity: 'critical', title: 'Opens a remote-administration port to the Internet' },
  { id: 'exposure/world-open-all-ports', category: 'exposure', defaultSeverity: 'critical', title: 'Opens every port to the Internet' },
  { id: 'exposure/world-open-database-port', category: 'exposure', defaultSeverity: 'high', title: 'Opens a database or infrastructure port to the Internet' },
  { id: 'exposure/world-open-port', category: 'exposure', defaultSeverity: 'medium', title: 'Opens a port to the Internet' },
  { id: 'exposure/unresolved-source', category: 'exposure', defaultSeverity: 'low', title: 'Inbound source range is a variable on a sensitive port' },
];

/** Remote administration: a shell or desktop for whoever connects. */
const ADMIN_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [3389, 'RDP'],
  [23, 'Telnet'],
  [5985, 'WinRM'],
  [5986, 'WinRM'],
  [2375, 'Docker API'],
  [2376, 'Docker API'],
  [10250, 'kubelet'],
  [5900, 'VNC'],
]);

/** Data stores and infrastructure services that should never face the Internet. */
const SENSITIVE_PORTS: ReadonlyMap<number, string> = new Map([
  [3306, 'MySQL'],
  [5432, 'PostgreSQL'],
  [1433, 'SQL Server'],
  [1434, 'SQL Server'],
  [1521, 'Oracle'],
  [27017, 'MongoDB'],
  [27018, 'MongoDB'],
  [6379, 'Redis'],
  [11211, 'Memcached'],
  [9200, 'Elasticsearch'],
  [9300, 'Elasticsearch'],
  [5601, 'Kibana'],
  [9042, 'Cassandra'],
  [7000, 'Cassandra'],
  [7001, 'Cassandra'],
  [5984, 'CouchDB'],
  [8086, 'InfluxDB'],
  [2379, 'etcd'],
  [2380, 'etcd'],
  [9092, 'Kafka'],
  [2181, 'ZooKeeper'],
  [5672, 'RabbitMQ'],
  [6443, 'Kubernetes API'],
  [21, 'FTP'],
  [20, 'FTP'],
  [445, 'SMB'],
  [139, 'NetBIOS'],
  [135, 'RPC'],
  [137, 'NetBIOS'],
  [138, 'NetBIOS'],
  [161, 'SNMP'],
  [389, 'LDAP'],
  [636, 'LDAPS'],
  [2049, 'NFS'],
  [111, 'RPC portmapper'],
  [53, 'DNS'],
  [25, 'SMTP'],
]);

/** HTTPS is what public endpoints are for; plain HTTP is reported at low (Checkov flags it too). */
const PUBLIC_BY_DESIGN = new Set([443]);
const WEB_PORTS = new Set([80, 8080]);

interface Exposure {
  rule: IngressRule;
  family: 'IPv4' | 'IPv6';
  source: string;
}

function exposures(rules: IngressRule[]): Exposure[] {
  const out: Exposure[] = [];
  for (const rule of rules) {
    if (rule.protocol === 'icmp') continue;
    const seen = new Set<string>();
    for (const s of rule.sources) {
      if (s.opaque) continue;
      const family = worldFamily(s.text);
      if (!family || seen.has(family)) continue;
      seen.add(family);
      out.push({ rule, family, source: s.text });
    }
  }
  return out;
}

function protoCovers(outer: string, inner: string): boolean {
  return outer === 'all' || outer === inner;
}

function covered(e: Exposure, before: Exposure[]): boolean {
  return before.some((b) => b.rule.group === e.rule.group && b.family === e.family && protoCovers(b.rule.protocol, e.rule.protocol) && b.rule.from <= e.rule.from && b.rule.to >= e.rule.to);
}

function named(map: ReadonlyMap<number, string>, from: number, to: number): string[] {
  return [...map].filter(([p]) => p >= from && p <= to).map(([p, n]) => `${n} ${p}`);
}

function classify(r: IngressRule): { ruleId: string; severity: Severity; what: string } {
  const all = r.protocol === 'all' || (r.from <= 0 && r.to >= 65535);
  const admin = named(ADMIN_PORTS, r.from, r.to);
  const sensitive = named(SENSITIVE_PORTS, r.from, r.to);
  const count = r.to - r.from + 1;
  const ports = r.from === r.to ? `port ${r.from}` : `ports ${r.from}-${r.to} (${count} ports)`;
  const proto = r.protocol === 'all' ? 'every protocol' : r.protocol;
  const incl = (list: string[]) => (list.length ? `, incl. ${list.slice(0, 3).join(', ')}${list.length > 3 ? ', ...' : ''}` : '');
  if (all) return { ruleId: 'exposure/world-open-all-ports', severity: 'critical', what: `all 65536 ports over ${proto}${incl(admin.concat(sensitive))}` };
  if (admin.length) return { ruleId: 'exposure/world-open-admin-port', severity: 'critical', what: r.from === r.to ? `${admin[0].split(' ')[0]} (${proto} ${ports})` : `${proto} ${ports}${incl(admin.concat(sensitive))}` };
  if (sensitive.length) return { ruleId: 'exposure/world-open-database-port', severity: 'high', what: r.from === r.to ? `${sensitive[0].split(' ')[0]} (${proto} ${ports})` : `${proto} ${ports}${incl(sensitive)}` };
  const web = r.from === r.to && WEB_PORTS.has(r.from);
  return { ruleId: 'exposure/world-open-port', severity: web ? 'low' : 'medium', what: `${proto} ${ports}` };
}

function sensitiveRange(r: IngressRule): boolean {
  return r.portsOpaque || r.protocol === 'all' || named(ADMIN_PORTS, r.from, r.to).length > 0 || named(SENSITIVE_PORTS, r.from, r.to).length > 0;
}

function report(doc: Doc, e: Exposure, was: string[]): Finding {
  const c = classify(e.rule);
  const portsNote = e.rule.portsOpaque ? ' (port is a variable; assumed any)' : '';
  const prior = was.length ? ` (was ${was.slice(0, 2).join(', ')})` : '';
  const srcNode = e.rule.sources.find((s) => s.text === e.source)?.node ?? e.rule.node;
  return makeFinding({
    ruleId: c.ruleId,
    category: 'exposure',
    severity: c.severity,
    message: `${capitalize(e.rule.label)} opens ${c.what}${portsNote} to ${e.source} (${e.family === 'IPv4' && /\//.test(e.source) ? 'any IPv4 address' : e.family === 'IPv6' ? 'any IPv6 address' : 'the Internet'})${prior}`,
    doc,
    node: srcNode,
    content: `${c.ruleId}|${e.rule.group}|${e.rule.protocol}|${e.rule.from}-${e.rule.to}|${e.family}`,
  });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const exposureDetector: Detector = {
  family: 'exposure',
  rules: EXPOSURE_RULES,
  run(before, after) {
    if (!/ingress|firewall|security_?rule|SecurityGroup|networkSecurityGroups/i.test(after.text)) return [];
    const rules = extractIngressRules(after);
    if (!rules.length) return [];
    const prevRules = before ? extractIngressRules(before) : [];
    const prev = exposures(prevRules);
    const out: Finding[] = [];
    const done = new Set<string>();
    for (const e of exposures(rules)) {
      if (covered(e, prev)) continue;
      if (e.rule.from === e.rule.to && PUBLIC_BY_DESIGN.has(e.rule.from) && e.rule.protocol !== 'all') continue;
      const id = `${e.rule.group}|${e.rule.protocol}|${e.rule.from}-${e.rule.to}|${e.family}`;
      if (done.has(id)) continue;
      done.add(id);
      const was = prevRules
        .filter((p) => p.group === e.rule.group && protoCovers(p.protocol, e.rule.protocol) && p.from <= e.rule.from && p.to >= e.rule.to)
        .flatMap((p) => p.sources.map((s) => s.text));
      out.push(report(after, e, [...new Set(was)]));
    }
    const prevOpaque = new Set(prevRules.flatMap((r) => r.sources.filter((s) => s.opaque).map((s) => `${r.group}|${s.text}`)));
    for (const r of rules) {
      if (!sensitiveRange(r)) continue;
      for (const s of r.sources) {
        if (!s.opaque || prevOpaque.has(`${r.group}|${s.text}`)) continue;
        const c = classify(r);
        out.push(
          makeFinding({
            ruleId: 'exposure/unresolved-source',
            category: 'exposure',
            severity: 'low',
            message: `${capitalize(r.label)} opens ${c.what} to a source range given by a variable (\`${s.text}\`); cannot prove it is narrower than 0.0.0.0/0`,
            doc: after,
            node: s.node,
            content: `exposure/unresolved-source|${r.group}|${r.protocol}|${r.from}-${r.to}|${s.text}`,
          }),
        );
      }
    }
    return out;
  },
};
