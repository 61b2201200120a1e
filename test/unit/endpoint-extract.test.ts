import { strict as assert } from 'node:assert';
import { extractEndpoints } from '../../src/core/endpoints/extract';
import { hostProductionToken, isBareHost, isLocalOrReserved, managedService, productionToken } from '../../src/core/endpoints/hosts';
import { isHostKey, isKubeContextKey } from '../../src/core/endpoints/keys';
import { isPlaceholderSecret, maskSecrets } from '../../src/core/endpoints/secrets';

describe('endpoint hosts', () => {
  it('finds production tokens only as delimited tokens of a label', () => {
    for (const h of ['api.prod.acme.io', 'prod-db.internal', 'orders-production.eu', 'db_prd.acme.com', 'live.acme.io', 'eu-live-api.acme.io', 'prod01.acme.io', 'orders.prod.svc.cluster.local']) {
      assert.ok(hostProductionToken(h), h);
    }
    for (const h of ['product.acme.io', 'delivery.acme.io', 'liveness.acme.io', 'prodigy.acme.io', 'acme.live', 'login.live.com', 'reproduce.acme.io', 'olive.acme.io']) {
      assert.equal(hostProductionToken(h), undefined, h);
    }
    assert.equal(productionToken('staging-eu'), undefined);
    assert.equal(productionToken('gke_acme_europe-west1_prod'), 'prod');
  });

  it('treats loopback, localhost and RFC 2606/6761/5737 names as local or reserved', () => {
    for (const h of ['localhost', 'LOCALHOST', 'api.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0.0.0.0', 'example.com', 'db.example.org', 'prod.example.net', 'prod.example', 'db.prod.test', 'x.invalid', '192.0.2.10', '2001:db8::5', 'host.docker.internal']) {
      assert.ok(isLocalOrReserved(h), h);
    }
    for (const h of ['prod.acme.io', '10.0.0.5', 'example.co', 'myexample.com', 'db']) assert.ok(!isLocalOrReserved(h), h);
  });

  it('knows managed database, cache and search endpoints but not regional API endpoints', () => {
    assert.match(managedService('orders.cluster-c9x.us-east-1.rds.amazonaws.com')!, /RDS/);
    assert.match(managedService('cache-001.abc.0001.use1.cache.amazonaws.com')!, /ElastiCache/);
    assert.match(managedService('acme.database.windows.net')!, /Azure SQL/);
    assert.match(managedService('cluster0.abcd.mongodb.net')!, /Atlas/);
    assert.match(managedService('acme.redis.cache.windows.net')!, /Redis/);
    assert.match(managedService('acme.documents.azure.com')!, /Cosmos/);
    assert.match(managedService('wh.abc.us-east-1.redshift.amazonaws.com')!, /Redshift/);
    assert.match(managedService('search-logs-abc.us-east-1.es.amazonaws.com')!, /OpenSearch/);
    assert.match(managedService('acme.postgres.database.azure.com')!, /Azure Database/);
    assert.equal(managedService('dynamodb.us-east-1.amazonaws.com'), undefined);
    assert.equal(managedService('s3.amazonaws.com'), undefined);
    assert.equal(managedService('mongodb.net.acme.io'), undefined);
  });

  it('accepts bare dotted tokens as hosts only when shaped like one', () => {
    for (const h of ['api.prod.acme.io', 'prod-db.internal', 'orders-production.eu', 'db.prod.corp', '10.1.2.3']) assert.ok(isBareHost(h), h);
    for (const h of ['com.acme.prod.io', 'org.apache.commons.io', 'deploy.prod.sh', 'app.prod.py', 'config.prod.json', '1.2.3', 'v1.2.3', 'settings.prod.yaml', 'README.md']) {
      assert.ok(!isBareHost(h), h);
    }
  });
});

describe('endpoint keys', () => {
  it('recognises host-like keys in every naming style', () => {
    for (const k of ['host', 'DB_HOST', 'dbHost', 'PGHOST', 'spring.datasource.url', 'bootstrap.servers', 'redis-endpoint', 'DATABASE_URL', 'apiBaseUrl', 'dsn', 'hosts'])
      assert.ok(isHostKey(k), k);
    for (const k of ['name', 'environment', 'description', 'image', 'profile', 'hostile']) assert.ok(!isHostKey(k), k);
  });

  it('recognises kube context keys but not docker build contexts', () => {
    assert.ok(isKubeContextKey(['current-context']));
    assert.ok(isKubeContextKey(['provider', 'kubernetes', 'config_context']));
    assert.ok(isKubeContextKey(['KUBE_CONTEXT']));
    assert.ok(isKubeContextKey(['kubeContext']));
    assert.ok(isKubeContextKey(['contexts', 0, 'name']));
    assert.ok(!isKubeContextKey(['services', 'api', 'build', 'context']));
    assert.ok(!isKubeContextKey(['clusters', 0, 'name']));
  });
});

describe('endpoint secrets', () => {
  it('tells placeholders from real passwords', () => {
    for (const p of ['password', 'PASSWORD', '${DB_PASSWORD}', '$DB_PASS', '{{ .Values.db.password }}', '<password>', 'changeme', 'change_me', '****', 'xxxx', '%s', '%(pw)s', '{password}', 'your_password', 'yourpassword', '__DB_PASSWORD__', '', 'mysecretpassword', '%24%7BPW%7D', 'secret', 'REDACTED'])
      assert.ok(isPlaceholderSecret(p), JSON.stringify(p));
    for (const p of ['S3cr3tPw', 'hunter22', 'q8#kL!zz', 'tiger', 'postgres', 'Zx9!kk', 'mypass99'])
      assert.ok(!isPlaceholderSecret(p), p);
  });

  it('masks long secrets everywhere and short ones only where they stand as a password', () => {
    assert.equal(maskSecrets('u:hunter22@h and hunter22', ['hunter22']), 'u:****@h and ****');
    assert.equal(maskSecrets('postgres://a:ab@host/ab?password=ab', ['ab']), 'postgres://a:****@host/ab?password=****');
    assert.equal(maskSecrets('p%40ss:x p@ss', ['p@ss']), '****:x ****');
  });
});

describe('extractEndpoints', () => {
  it('parses URLs with credentials, ports, multiple hosts and IPv6', () => {
    const [r] = extractEndpoints('mongodb://app:S3cr3t@db1.acme.io:27017,db2.acme.io:27017/orders?replicaSet=rs0');
    assert.equal(r.form, 'url');
    assert.deepEqual(r.hosts, ['db1.acme.io', 'db2.acme.io']);
    assert.equal(r.user, 'app');
    assert.equal(r.secret?.value, 'S3cr3t');
    assert.ok(!r.display.includes('S3cr3t'));
    const [v6] = extractEndpoints('http://[2a00:1450::1]:8080/x');
    assert.deepEqual(v6.hosts, ['2a00:1450::1']);
  });

  it('reads query and SQL Server style password parameters', () => {
    const [pg] = extractEndpoints('jdbc:postgresql://pg.acme.io:5432/db?user=app&password=Pw123456&ssl=true');
    assert.equal(pg.scheme, 'jdbc:postgresql');
    assert.equal(pg.secret?.value, 'Pw123456');
    assert.equal(pg.url, 'postgresql://pg.acme.io:5432/db');
    const [ms] = extractEndpoints('jdbc:sqlserver://sql.acme.io:1433;databaseName=x;user=sa;password=Qw12erty');
    assert.deepEqual(ms.hosts, ['sql.acme.io']);
    assert.equal(ms.secret?.value, 'Qw12erty');
  });

  it('does not take a path segment with @ for credentials', () => {
    const [r] = extractEndpoints('https://medium.com/@someone/post');
    assert.equal(r.secret, undefined);
    assert.deepEqual(r.hosts, ['medium.com']);
  });

  it('parses ADO.NET, libpq, Go MySQL, Oracle thin and StackExchange.Redis forms', () => {
    const [ado] = extractEndpoints('Server=tcp:acme.database.windows.net,1433;Initial Catalog=db;User ID=u;Password="a;b c";');
    assert.equal(ado.form, 'key-value');
    assert.deepEqual(ado.hosts, ['acme.database.windows.net']);
    assert.equal(ado.secret?.value, 'a;b c');
    const [pq] = extractEndpoints("host=pg.acme.io port=5432 dbname=app user=app password='p w\\'x' sslmode=require");
    assert.equal(pq.form, 'libpq');
    assert.equal(pq.secret?.value, "p w'x");
    const [go] = extractEndpoints('root:Pw99@tcp(mysql.acme.io:3306)/shop?parseTime=true');
    assert.equal(go.form, 'go-dsn');
    assert.deepEqual(go.hosts, ['mysql.acme.io']);
    const [ora] = extractEndpoints('jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora1.acme.io)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=x)))');
    assert.deepEqual(ora.hosts, ['ora1.acme.io']);
    const [rd] = extractEndpoints('acme.redis.cache.windows.net:6380,password=Abc123xyz,ssl=True,abortConnect=False');
    assert.equal(rd.form, 'redis-options');
    assert.equal(rd.secret?.value, 'Abc123xyz');
  });

  it('takes a whole value as a host list under a host-like key, single labels included', () => {
    const [r] = extractEndpoints('kafka-prod-1:9092,kafka-prod-2:9092', { hostKey: true });
    assert.equal(r.form, 'host');
    assert.deepEqual(r.hosts, ['kafka-prod-1', 'kafka-prod-2']);
    assert.deepEqual(extractEndpoints('prod-db', {}), []);
  });

  it('finds bare hosts in free text but not email domains, paths or packages', () => {
    const refs = extractEndpoints('connect to api.prod.acme.io:443 then mail ops@prod.acme.io; see /etc/prod.acme.io and com.acme.prod.io');
    assert.deepEqual(refs.map((r) => [r.hosts[0], r.trusted]), [['api.prod.acme.io', true], ['com.acme.prod.io', false]]);
  });

  it('ignores versions and file names', () => {
    assert.deepEqual(extractEndpoints('version 1.2.3 in deploy.prod.sh').filter((r) => r.trusted), []);
  });
});
