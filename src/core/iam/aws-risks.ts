// What makes an AWS grant risky on its own, independent of the change: administrator access,
// privilege-escalation paths, credential exposure, data exfiltration, unconstrained write and
// permissions management, public and whole-account principals. Access levels come from the action
// catalogue; the short lists here are attack paths and managed-policy names, which no IAM dataset
// maintains.
import { actionInfo, loadActionCatalog, type ActionCatalog } from './aws-actions';
import { isAllResources, type Grant } from './aws-grant';

/** Known privilege-escalation paths: every listed action granted means the path is open. */
export const ESCALATION_PATHS: ReadonlyArray<{ name: string; actions: readonly string[]; needsAllResources?: boolean }> = [
  { name: 'iam:CreatePolicyVersion', actions: ['iam:createpolicyversion'] },
  { name: 'iam:SetDefaultPolicyVersion', actions: ['iam:setdefaultpolicyversion'] },
  { name: 'iam:AttachUserPolicy', actions: ['iam:attachuserpolicy'] },
  { name: 'iam:AttachGroupPolicy', actions: ['iam:attachgrouppolicy'] },
  { name: 'iam:AttachRolePolicy', actions: ['iam:attachrolepolicy'] },
  { name: 'iam:PutUserPolicy', actions: ['iam:putuserpolicy'] },
  { name: 'iam:PutGroupPolicy', actions: ['iam:putgrouppolicy'] },
  { name: 'iam:PutRolePolicy', actions: ['iam:putrolepolicy'] },
  { name: 'iam:CreateAccessKey', actions: ['iam:createaccesskey'] },
  { name: 'iam:CreateLoginProfile', actions: ['iam:createloginprofile'] },
  { name: 'iam:UpdateLoginProfile', actions: ['iam:updateloginprofile'] },
  { name: 'iam:AddUserToGroup', actions: ['iam:addusertogroup'] },
  { name: 'iam:UpdateAssumeRolePolicy', actions: ['iam:updateassumerolepolicy'] },
  { name: 'lambda:UpdateFunctionCode', actions: ['lambda:updatefunctioncode'] },
  { name: 'glue:UpdateDevEndpoint', actions: ['glue:updatedevendpoint'] },
  { name: 'iam:PassRole + ec2:RunInstances', actions: ['iam:passrole', 'ec2:runinstances'] },
  { name: 'iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction', actions: ['iam:passrole', 'lambda:createfunction', 'lambda:invokefunction'] },
  { name: 'iam:PassRole + lambda:CreateFunction + lambda:CreateEventSourceMapping', actions: ['iam:passrole', 'lambda:createfunction', 'lambda:createeventsourcemapping'] },
  { name: 'iam:PassRole + glue:CreateDevEndpoint', actions: ['iam:passrole', 'glue:createdevendpoint'] },
  { name: 'iam:PassRole + cloudformation:CreateStack', actions: ['iam:passrole', 'cloudformation:createstack'] },
  { name: 'iam:PassRole + datapipeline:CreatePipeline', actions: ['iam:passrole', 'datapipeline:createpipeline'] },
  { name: "iam:PassRole on '*'", actions: ['iam:passrole'], needsAllResources: true },
];

/** Actions that hand out credentials or secrets-equivalent tokens. */
export const CREDENTIAL_ACTIONS: ReadonlySet<string> = new Set([
  'chime:createapikey',
  'codepipeline:pollforjobs',
  'cognito-identity:getopenidtoken',
  'cognito-identity:getopenidtokenfordeveloperidentity',
  'cognito-identity:getcredentialsforidentity',
  'connect:getfederationtoken',
  'connect:getfederationtokens',
  'ec2:getpassworddata',
  'gamelift:requestuploadcredentials',
  'iam:createaccesskey',
  'iam:createloginprofile',
  'iam:createservicespecificcredential',
  'iam:resetservicespecificcredential',
  'iam:updateaccesskey',
  'lightsail:getinstanceaccessdetails',
  'lightsail:getrelationaldatabasemasteruserpassword',
  'rds-db:connect',
  'redshift:getclustercredentials',
  'sso:getrolecredentials',
  'mediapackage:rotatechannelcredentials',
  'mediapackage:rotateingestendpointcredentials',
  'sts:assumerole',
  'sts:assumerolewithsaml',
  'sts:assumerolewithwebidentity',
  'sts:getfederationtoken',
  'sts:getsessiontoken',
]);

/** Actions that read data out in bulk when granted on every resource. */
export const EXFILTRATION_ACTIONS: ReadonlySet<string> = new Set([
  's3:getobject',
  'ssm:getparameter',
  'ssm:getparameters',
  'ssm:getparametersbypath',
  'secretsmanager:getsecretvalue',
]);

/** AWS managed policies that make the holder an administrator or let it become one. */
export const ADMIN_MANAGED_POLICIES: ReadonlyMap<string, 'critical' | 'high'> = new Map([
  ['administratoraccess', 'critical'],
  ['poweruseraccess', 'critical'],
  ['iamfullaccess', 'critical'],
  ['awsorganizationsfullaccess', 'high'],
  ['administratoraccess-amplify', 'high'],
  ['administratoraccess-awselasticbeanstalk', 'high'],
  ['systemadministrator', 'high'],
  ['networkadministrator', 'high'],
]);

/** Condition keys that pin a public principal to known callers (account, org, source resource). */
const RESTRICTING_CONDITION_KEY = /^(aws:(sourcearn|sourceaccount|sourceowner|principalorgid|principalorgpaths|principalaccount|principalarn|userid|username|principalservicename|resourceaccount|resourceorgid|calledvia)|kms:(calleraccount|viaservice)|sts:externalid|[\w.-]+\.amazonaws\.com:(aud|sub|amr)|token\.actions\.githubusercontent\.com:(sub|aud)|cognito-identity\.amazonaws\.com:(aud|amr))$/;

/** Whether an Allow to `*` is pinned by a condition to specific callers. */
export function hasRestrictingCondition(g: Grant): boolean {
  for (const c of g.conditions) {
    const [, key, vals] = c.split('|');
    if (key && RESTRICTING_CONDITION_KEY.test(key) && vals !== undefined && vals !== '*' && vals !== '') return true;
  }
  return false;
}

/**
 * Network conditions limit where a call comes from, not who makes it: any AWS identity inside the
 * range or VPC still gets the grant, as IAM Access Analyzer reports it.
 */
const NETWORK_CONDITION_KEY = /^aws:(sourceip|sourcevpce?)$/;

/** The network condition (`aws:SourceIp 10.0.0.0/24`) an Allow to `*` is limited by, if any. */
export function networkCondition(g: Grant): string | undefined {
  for (const c of g.conditions) {
    const [, key, vals] = c.split('|');
    if (key && NETWORK_CONDITION_KEY.test(key) && vals !== undefined && vals !== '*' && vals !== '' && vals !== '0.0.0.0/0' && vals !== '::/0') return `${key.replace('aws:sourceip', 'aws:SourceIp').replace('aws:sourcevpce', 'aws:SourceVpce').replace('aws:sourcevpc', 'aws:SourceVpc')} ${vals}`;
  }
  return undefined;
}

export function isPublicPrincipal(p: string): boolean {
  return p === 'AWS:*' || p === 'AWS:arn:aws:iam::*:root' || p === 'CanonicalUser:*' || p === 'Federated:*';
}

/** `arn:aws:iam::123456789012:root` (or a bare account id): every identity in that account. */
export function accountOfPrincipal(p: string): string | undefined {
  const m = /^AWS:arn:aws[\w-]*:iam::(\d{12}|\*):root$/.exec(p);
  if (m) return m[1];
  return p === 'AWS:account-root' ? 'this account' : undefined;
}

export function onAllResources(g: Grant): boolean {
  return g.resources.some(isAllResources);
}

/** Lower-cased keys in `actions` whose access level is `level` and that can be scoped to a resource. */
export function restrictableAt(actions: Iterable<string>, level: string, cat: ActionCatalog = loadActionCatalog()): string[] {
  const out: string[] = [];
  for (const a of actions) {
    const info = actionInfo(a, cat);
    if (info && info.level === level && info.restrictable) out.push(a);
  }
  return out;
}
