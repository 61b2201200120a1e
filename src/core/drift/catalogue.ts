// The built-in catalogue of safety settings whose weakening is drift. It is data: the rules file
// switches entries off by id (`drift.safety.off`) and adds its own (`drift.safety.add`).
import type { Severity } from '../findings';
import type { LanguageId } from '../model';

/** When a value is in the unsafe state. A list of conditions means: any of them. */
export type Condition =
  /** The value means false: `false`, `"false"`, `0`, `no`, `off`, `disabled`. */
  | { is: 'false' }
  /** The value means true: `true`, `"true"`, `1`, `yes`, `on`, `enabled`. */
  | { is: 'true' }
  /** The value is one of these (case-insensitive text, or equal number). */
  | { equals: Array<string | number> }
  /** The value, or an item of the list, or a comma-separated part of the string, is one of these. */
  | { includes: string[] }
  /**
   * A number lowered: below its before value and at or under `max` (when given). Without a before
   * value it is unsafe at or under `max` (default 0), unless `requireBefore`.
   */
  | { lowered: true; max?: number; requireBefore?: boolean };

export interface CatalogueEntry {
  id: string;
  /** Rule id findings carry, e.g. `drift/tls-verification`. */
  rule: string;
  /** What happened, as the head of the message: "TLS certificate verification disabled". */
  description: string;
  /**
   * Key names, case and separator insensitive (`insecureSkipVerify` = `insecure_skip_verify` =
   * `INSECURE_SKIP_VERIFY`), matched against the trailing words of the key path, so `ssl.enabled`,
   * `sslEnabled` and `SSL_ENABLED` are all `sslenabled`.
   */
  keys?: string[];
  /**
   * Names too broad to trust alone (`verify`, `origin`): they match only when a `near` word
   * appears in the key path before them or in the callee of an enclosing call
   * (`requests.get(u, verify=False)`, `cors({origin})`), or when the key is the whole path (a
   * code binding such as `session.verify = False`).
   */
  broadKeys?: string[];
  near?: string[];
  /** Connection-string parameters (`?sslmode=disable`, `;Encrypt=false`) matched in any string value. */
  params?: string[];
  unsafe: Condition[];
  /** Removing the key while its object stays is a weakening (the default is the unsafe state). */
  removed?: boolean;
  when?: {
    /** Only in production files. */
    production?: boolean;
    /** Only in these languages. */
    languages?: LanguageId[];
    /** One of these words must appear in the key path before the key (`services` for compose). */
    under?: string[];

    /** Only in files matching one of these globs (rules-file entries). */
    files?: string[];
  };
  severity: Severity;
}

const TRUE: Condition[] = [{ is: 'true' }];
/** Words around a bare `verify` that make it about TLS rather than e-mail, phones or signatures. */
const TLS_CONTEXT = ['ssl', 'tls', 'https', 'http', 'cert', 'certs', 'certificate', 'certificates', 'ca', 'client', 'session', 'sessions', 'request', 'requests', 'httpx', 'aiohttp', 'urllib3', 'proxy', 'connection', 'connector', 'transport', 'api', 'server', 'remote', 'registry', 'upstream', 'sslopts', 'tlsopts', 'kube', 'kubernetes', 'vault', 'elasticsearch', 'es', 'ldap', 'smtp', 'grpc', 'get', 'post', 'put', 'patch', 'delete', 'head', 'fetch'];
const FALSE: Condition[] = [{ is: 'false' }];

export const BUILTIN_CATALOGUE: readonly CatalogueEntry[] = [
  // TLS and certificate verification
  {
    id: 'tls-verify-off',
    rule: 'drift/tls-verification',
    description: 'TLS certificate verification disabled',
    broadKeys: ['verify'],
    near: TLS_CONTEXT,
    keys: ['sslverify', 'verifyssl', 'tlsverify', 'verifytls', 'verifycert', 'verifycerts', 'verifycertificate', 'verifycertificates', 'sslverifycert', 'verifypeer', 'sslverifypeer', 'verifyhost', 'sslverifyhost', 'rejectunauthorized', 'strictssl', 'checkhostname', 'verifyservercertificate', 'certificateverification', 'pythonhttpsverify', 'sslcertverification', 'validatecerts', 'validatecertificate', 'validatecertificates'],
    params: ['rejectunauthorized', 'verifyservercertificate', 'sslverify', 'tlsverify'],
    unsafe: [...FALSE, { equals: ['none', 'cert_none', 'verify_none'] }],
    severity: 'high',
  },
  {
    id: 'tls-insecure-on',
    rule: 'drift/tls-verification',
    description: 'TLS certificate verification skipped',
    keys: ['insecureskipverify', 'insecureskiptlsverify', 'skiptlsverify', 'tlsskipverify', 'skipverify', 'skipsslverify', 'sslskipverify', 'skipcertverify', 'skipcertificateverification', 'sslnoverify', 'noverifyssl', 'insecure', 'allowinsecure', 'tlsinsecure', 'sslinsecure', 'insecuressl', 'insecuretls', 'trustallcertificates', 'trustallcerts', 'trustservercertificate', 'acceptanycertificate', 'ignoresslerrors', 'ignorecertificateerrors', 'ignoretlserrors', 'disablesslverification', 'disabletlsverification', 'disablecertificatevalidation'],
    params: ['trustservercertificate', 'insecureskipverify', 'tlsinsecure', 'sslinsecure'],
    unsafe: TRUE,
    severity: 'high',
  },
  {
    id: 'tls-off',
    rule: 'drift/tls-disabled',
    description: 'TLS turned off',
    keys: ['ssl', 'tls', 'usessl', 'usetls', 'sslenabled', 'tlsenabled', 'enablessl', 'enabletls', 'requiressl', 'requiretls', 'sslrequired', 'tlsrequired', 'forcessl', 'forcetls', 'forcehttps', 'httpsonly', 'enablehttpstrafficonly', 'sslenforcementenabled', 'httpsenabled', 'starttls'],
    params: ['ssl', 'usessl', 'tls', 'encrypt', 'requiressl'],
    unsafe: FALSE,
    severity: 'high',
  },
  {
    id: 'ssl-mode-disabled',
    rule: 'drift/tls-disabled',
    description: 'TLS disabled by SSL mode',
    keys: ['sslmode', 'pgsslmode', 'sslmodeenabled'],
    params: ['sslmode', 'ssl-mode'],
    unsafe: [{ equals: ['disable', 'disabled', 'allow', 'false'] }],
    severity: 'high',
  },
  // debug and verbose error output
  {
    id: 'debug-on',
    rule: 'drift/debug-output',
    description: 'Debug mode enabled',
    keys: ['debug', 'debugmode', 'debugenabled', 'enabledebug', 'displayerrors', 'showerrors', 'verboseerrors', 'detailederrors', 'showstacktrace', 'exposeerrors', 'debugpropagateexceptions', 'templatedebug'],
    unsafe: TRUE,
    severity: 'medium',
  },
  {
    id: 'stacktrace-on',
    rule: 'drift/debug-output',
    description: 'Stack traces included in error responses',
    keys: ['includestacktrace', 'includeexception', 'includemessage'],
    unsafe: [{ equals: ['always', 'on-param', 'on_param', 'true'] }],
    severity: 'medium',
  },
  {
    id: 'log-level-debug',
    rule: 'drift/debug-output',
    description: 'Log level set to verbose output',
    keys: ['loglevel', 'logginglevel', 'rustlog'],
    unsafe: [{ equals: ['debug', 'trace', 'all', 'verbose'] }],
    severity: 'low',
  },
  // authentication and authorization
  {
    id: 'auth-off',
    rule: 'drift/auth-disabled',
    description: 'Authentication disabled',
    keys: ['auth', 'authentication', 'authorization', 'authenabled', 'authenticationenabled', 'authorizationenabled', 'enableauth', 'enableauthentication', 'enableauthorization', 'authrequired', 'requireauth', 'requireauthentication', 'loginrequired', 'securityenabled', 'protectedmode', 'rbacenabled', 'enablerbac'],
    unsafe: [...FALSE, { equals: ['none', 'anonymous', 'alwaysallow', 'noauth', 'trust'] }],
    severity: 'high',
  },
  {
    id: 'auth-skip-on',
    rule: 'drift/auth-disabled',
    description: 'Authentication bypassed',
    keys: ['disableauth', 'disableauthentication', 'skipauth', 'skipauthentication', 'noauth', 'bypassauth', 'authdisabled', 'anonymous', 'anonymousauth', 'allowanonymous', 'anonymousenabled', 'anonymousaccess', 'allowanonymousaccess', 'enableanonymous', 'anonymousaccessenabled', 'publicanonymous'],
    unsafe: TRUE,
    severity: 'high',
  },
  {
    id: 'auth-mode-open',
    rule: 'drift/auth-disabled',
    description: 'Authorization opened to anyone',
    keys: ['authtype', 'authmode', 'authmethod', 'authorizationmode', 'authorizationtype', 'authenticationtype', 'authenticationmode'],
    unsafe: [{ includes: ['none', 'anonymous', 'alwaysallow', 'trust', 'noauth', 'off'] }],
    severity: 'high',
  },
  // encryption at rest and in transit
  {
    id: 'encryption-off',
    rule: 'drift/encryption',
    description: 'Encryption turned off',
    keys: ['encrypted', 'storageencrypted', 'encryption', 'encryptionenabled', 'enableencryption', 'encryptatrest', 'encryptionatrest', 'encryptionatrestenabled', 'atrestencryptionenabled', 'transitencryptionenabled', 'intransitencryption', 'encryptionintransit', 'encryptionintransitenabled', 'nodetonodeencryptionenabled', 'enablenodetonodeencryption', 'sseenabled', 'serversideencryptionenabled', 'kmsencrypted', 'diskencryptionenabled', 'encryptionatrestoptionsenabled', 'infrastructureencryptionenabled'],
    unsafe: FALSE,
    removed: true,
    severity: 'high',
  },
  {
    id: 'kms-key-removed',
    rule: 'drift/encryption',
    description: 'Customer-managed encryption key removed',
    keys: ['kmskeyid', 'kmskeyarn', 'kmsmasterkeyid', 'kmskeyname', 'kmskey', 'ssekmskeyid', 'encryptionkey', 'encryptionkeyid', 'kmskeyselflink', 'diskencryptionsetid', 'customermanagedkey', 'serversideencryptionconfiguration', 'encryptionconfiguration', 'encryptionconfig'],
    unsafe: [],
    removed: true,
    severity: 'medium',
  },
  // deletion protection
  {
    id: 'deletion-protection-off',
    rule: 'drift/deletion-protection',
    description: 'Deletion protection removed',
    keys: ['deletionprotection', 'deletionprotectionenabled', 'enabledeletionprotection', 'preventdestroy', 'terminationprotection', 'enableterminationprotection', 'purgeprotectionenabled', 'softdeleteenabled'],
    unsafe: FALSE,
    removed: true,
    severity: 'medium',
  },
  {
    id: 'destroy-allowed',
    rule: 'drift/deletion-protection',
    description: 'Data made destroyable without a final copy',
    keys: ['skipfinalsnapshot', 'forcedestroy', 'forcedelete', 'deleteautomatedbackups'],
    unsafe: TRUE,
    severity: 'medium',
  },
  {
    id: 'termination-api-open',
    rule: 'drift/deletion-protection',
    description: 'Termination protection removed',
    keys: ['disableapitermination'],
    unsafe: FALSE,
    removed: true,
    severity: 'medium',
  },
  {
    id: 'deletion-policy-delete',
    rule: 'drift/deletion-protection',
    description: 'Deletion policy set to delete',
    keys: ['deletionpolicy', 'updatereplacepolicy', 'reclaimpolicy', 'persistentvolumereclaimpolicy'],
    unsafe: [{ equals: ['delete'] }],
    severity: 'medium',
  },
  // public access
  {
    id: 'publicly-accessible',
    rule: 'drift/public-access',
    description: 'Public access opened',
    keys: ['publiclyaccessible', 'publicaccess', 'publicaccessenabled', 'publicnetworkaccessenabled', 'mappubliciponlaunch', 'associatepublicipaddress', 'allowblobpublicaccess', 'allownesteditemstobepublic', 'ispublic', 'enablepublicaccess', 'publicendpointenabled', 'endpointpublicaccess'],
    unsafe: TRUE,
    severity: 'high',
  },
  {
    id: 'public-access-block-off',
    rule: 'drift/public-access',
    description: 'Public access block lifted',
    keys: ['blockpublicacls', 'blockpublicpolicy', 'ignorepublicacls', 'restrictpublicbuckets', 'blockpublicaccess'],
    unsafe: FALSE,
    removed: true,
    severity: 'high',
  },
  {
    id: 'public-acl',
    rule: 'drift/public-access',
    description: 'Public ACL set',
    keys: ['acl', 'cannedacl', 'defaultacl', 'objectacl', 'predefinedacl', 'accesscontrol'],
    unsafe: [{ equals: ['public-read', 'public-read-write', 'authenticated-read', 'publicread', 'publicreadwrite', 'allusers', 'allauthenticatedusers', 'public'] }],
    severity: 'high',
  },
  {
    id: 'public-network-access',
    rule: 'drift/public-access',
    description: 'Public network access enabled',
    keys: ['publicnetworkaccess', 'publicaccesslevel', 'containeraccesstype'],
    unsafe: [{ equals: ['enabled', 'blob', 'container'] }],
    severity: 'high',
  },
  // audit and access logging
  {
    id: 'logging-off',
    rule: 'drift/logging-disabled',
    description: 'Audit or access logging disabled',
    keys: ['auditlog', 'auditlogs', 'auditlogging', 'auditenabled', 'auditlogenabled', 'auditlogsenabled', 'enableauditlog', 'enableauditlogs', 'enableauditlogging', 'accesslog', 'accesslogs', 'accesslogging', 'accesslogenabled', 'accesslogsenabled', 'accessloggingenabled', 'enableaccesslog', 'enableaccesslogs', 'enableaccesslogging', 'loggingenabled', 'enablelogging', 'islogging', 'enablelogfilevalidation', 'flowlogsenabled', 'enableflowlogs', 'trailenabled', 'cloudtrailenabled', 'serveraccesslogging'],
    unsafe: FALSE,
    severity: 'medium',
  },
  {
    id: 'logging-removed',
    rule: 'drift/logging-disabled',
    description: 'Audit or access logging removed',
    keys: ['logging', 'accesslogs', 'accesslogging', 'auditlog', 'auditlogs', 'auditlogconfig', 'enabledcloudwatchlogsexports', 'enabledlogtypes', 'logpublishingoptions', 'accesslogsettings'],
    unsafe: [],
    removed: true,
    when: { languages: ['hcl'] },
    severity: 'medium',
  },
  {
    id: 'logging-config-removed',
    rule: 'drift/logging-disabled',
    description: 'Audit or access logging removed',
    keys: ['loggingconfiguration', 'loggingconfig', 'auditlogconfig', 'auditlogconfigs', 'accesslogsettings', 'logpublishingoptions', 'enablecloudwatchlogsexports'],
    unsafe: [],
    removed: true,
    severity: 'medium',
  },
  // backups
  {
    id: 'backup-retention-lowered',
    rule: 'drift/backup-retention',
    description: 'Backup retention lowered',
    keys: ['backupretentionperiod', 'backupretentiondays', 'backupretention', 'backupretentionperiodindays', 'retentionperioddays', 'snapshotretentionlimit', 'automatedbackupretentiondays', 'pointintimerecoveryretentiondays', 'deleteretentiondays', 'softdeleteretentiondays', 'retainedbackups'],
    unsafe: [{ lowered: true }],
    severity: 'medium',
  },
  {
    id: 'backup-off',
    rule: 'drift/backup-retention',
    description: 'Backups disabled',
    keys: ['backup', 'backups', 'backupenabled', 'backupsenabled', 'enablebackup', 'enablebackups', 'automatedbackups', 'pointintimerecovery', 'pointintimerecoveryenabled', 'enablepointintimerecovery', 'versioningenabled'],
    unsafe: FALSE,
    severity: 'medium',
  },
  // CORS
  {
    id: 'cors-any-origin',
    rule: 'drift/cors-wildcard',
    description: 'CORS opened to any origin',
    keys: ['allowedorigins', 'alloworigins', 'alloworigin', 'corsallowedorigins', 'corsorigins', 'corsorigin', 'allowedoriginpatterns', 'accesscontrolalloworigin', 'cors', 'corsalloworigin', 'corsalloworigins'],
    broadKeys: ['origin', 'origins'],
    near: ['cors', 'crossorigin', 'allow', 'allowed', 'access', 'control', 'header', 'headers', 'websocket', 'websockets', 'socketio'],
    unsafe: [{ includes: ['*'] }],
    severity: 'medium',
  },
  // containers
  {
    id: 'privileged',
    rule: 'drift/privileged-container',
    description: 'Container made privileged',
    keys: ['privileged'],
    unsafe: TRUE,
    severity: 'high',
  },
  {
    id: 'privilege-escalation',
    rule: 'drift/privileged-container',
    description: 'Privilege escalation allowed',
    keys: ['allowprivilegeescalation'],
    unsafe: TRUE,
    severity: 'high',
  },
  {
    id: 'host-namespaces',
    rule: 'drift/privileged-container',
    description: 'Container given the host namespace',
    keys: ['hostnetwork', 'hostpid', 'hostipc'],
    unsafe: TRUE,
    severity: 'high',
  },
  {
    id: 'compose-host-mode',
    rule: 'drift/privileged-container',
    description: 'Container given the host namespace',
    keys: ['networkmode', 'pid', 'ipc', 'userns', 'usernsmode'],
    unsafe: [{ equals: ['host'] }],
    severity: 'high',
  },
  {
    id: 'run-as-root',
    rule: 'drift/privileged-container',
    description: 'Container set to run as root',
    keys: ['runasnonroot'],
    unsafe: FALSE,
    severity: 'medium',
  },
  {
    id: 'run-as-uid-0',
    rule: 'drift/privileged-container',
    description: 'Container set to run as root',
    keys: ['runasuser', 'runasgroup'],
    unsafe: [{ equals: [0] }],
    severity: 'medium',
  },
  {
    id: 'compose-user-root',
    rule: 'drift/privileged-container',
    description: 'Container set to run as root',
    keys: ['user'],
    unsafe: [{ equals: ['root', '0', '0:0', 'root:root'] }],
    when: { under: ['services', 'containers', 'containerdefinitions', 'container', 'task', 'jobs'] },
    severity: 'medium',
  },
  {
    id: 'capabilities-added',
    rule: 'drift/privileged-container',
    description: 'Container given dangerous Linux capabilities',
    keys: ['capabilitiesadd', 'capadd', 'addcapabilities'],
    unsafe: [{ includes: ['SYS_ADMIN', 'CAP_SYS_ADMIN', 'ALL', 'SYS_PTRACE', 'CAP_SYS_PTRACE', 'SYS_MODULE', 'CAP_SYS_MODULE', 'NET_ADMIN', 'CAP_NET_ADMIN'] }],
    severity: 'high',
  },
  // resources and capacity
  {
    id: 'resource-limits-removed',
    rule: 'drift/resource-limits',
    description: 'Resource limits removed',
    keys: ['resourceslimits', 'limitsmemory', 'limitscpu', 'memlimit', 'memorylimit', 'cpulimit', 'memswaplimit', 'limitsephemeralstorage'],
    unsafe: [],
    removed: true,
    severity: 'medium',
  },
  {
    id: 'replicas-cut',
    rule: 'drift/replicas-reduced',
    description: 'Replicas cut in a production file',
    keys: ['replicas', 'minreplicas', 'replicacount', 'minreplicacount', 'minsize', 'mincapacity', 'desiredcount', 'desiredcapacity', 'mininstances', 'mininstancecount', 'minnodecount', 'mincount', 'instancecount', 'numreplicas', 'minavailable'],
    unsafe: [{ lowered: true, max: 1, requireBefore: true }],
    when: { production: true },
    severity: 'medium',
  },
];

/** Rule ids the catalogue uses, with titles, for registration and docs. */
export const CATALOGUE_RULES: ReadonlyArray<{ id: string; title: string; severity: Severity }> = [
  { id: 'drift/tls-verification', title: 'TLS certificate verification disabled', severity: 'high' },
  { id: 'drift/tls-disabled', title: 'TLS turned off', severity: 'high' },
  { id: 'drift/debug-output', title: 'Debug or verbose error output enabled', severity: 'medium' },
  { id: 'drift/auth-disabled', title: 'Authentication or authorization disabled', severity: 'high' },
  { id: 'drift/encryption', title: 'Encryption at rest or in transit turned off', severity: 'high' },
  { id: 'drift/deletion-protection', title: 'Deletion protection removed', severity: 'medium' },
  { id: 'drift/public-access', title: 'Public access opened', severity: 'high' },
  { id: 'drift/logging-disabled', title: 'Audit or access logging disabled', severity: 'medium' },
  { id: 'drift/backup-retention', title: 'Backups disabled or retention lowered', severity: 'medium' },
  { id: 'drift/cors-wildcard', title: 'CORS opened to any origin', severity: 'medium' },
  { id: 'drift/privileged-container', title: 'Container made privileged', severity: 'high' },
  { id: 'drift/resource-limits', title: 'Resource limits removed', severity: 'medium' },
  { id: 'drift/replicas-reduced', title: 'Replicas cut in a production file', severity: 'medium' },
  { id: 'drift/security-toggle', title: 'Safety setting weakened (rules-file catalogue entry)', severity: 'medium' },
];
