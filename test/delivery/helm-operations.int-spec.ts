/*
 * What the charts add for operating CourseHub (issue 17), rendered offline and validated against
 * the Kubernetes and CRD schemas: the migration and Kafka-topics hook Jobs, the Gateway API routes
 * with TLS handled once, the Grafana dashboard and the PrometheusRule alerts, and `helm test` pods.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  allOf,
  expectValidObjects,
  helmDir,
  type KubeObject,
  productionValues,
  render,
  renderObjects,
  useCharts,
} from './helm-render';
import { healthRoutes, repoRoot, serviceApps, type ServiceApp } from './support';

interface Container {
  name: string;
  image: string;
  command: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  securityContext: Record<string, unknown>;
}
interface PodSpec {
  restartPolicy: string;
  securityContext: Record<string, unknown>;
  containers: Container[];
}
type JobObject = KubeObject & {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
};
type PodObject = KubeObject & { spec: PodSpec };

const postgresApps: ServiceApp[] = ['auth', 'course', 'order'];
const production: Partial<Record<ServiceApp, KubeObject[]>> = {};
const productionObjects = (app: ServiceApp): KubeObject[] =>
  (production[app] ??= renderObjects(app, [productionValues]));
const everyProductionObject = (): KubeObject[] => serviceApps.flatMap(productionObjects);
const named = <T = KubeObject>(objects: KubeObject[], kind: string, name: string): T | undefined =>
  objects.find((object) => object.kind === kind && object.metadata.name === name) as T | undefined;
const hookOf = (object: KubeObject): string | undefined => object.metadata.annotations?.['helm.sh/hook'];
const selectorOf = (objects: KubeObject[]): Record<string, string> =>
  allOf<KubeObject & { spec: { selector: Record<string, string> } }>(objects, 'Service')[0].spec.selector;
const selects = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

useCharts();

describe('operations objects in the charts', () => {
  it.each(serviceApps)('%s: every object with production values is valid against its schema', (app) => {
    expectValidObjects(productionObjects(app));
  });

  describe('database migrations as a hook Job', () => {
    it.each(postgresApps)(
      '%s: a pre-install/pre-upgrade Job runs migrate.js with its own credentials',
      (app) => {
        const objects = productionObjects(app);
        const job = named<JobObject>(objects, 'Job', `${app}-migrations`);
        expect(job).toBeDefined();
        expect(hookOf(job!)).toBe('pre-install,pre-upgrade');
        expect(job!.metadata.annotations?.['helm.sh/hook-delete-policy']).toContain('before-hook-creation');
        const pod = job!.spec.template.spec;
        expect(pod.restartPolicy).toBe('Never');
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
        const [container] = pod.containers;
        expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true });
        expect(container.command).toEqual(['sh', '-c', 'exec node dist/apps/${APP}/src/migrate.js']);
        expect(existsSync(join(repoRoot, 'apps', app, 'src', 'migrate.ts'))).toBe(true);
        expect(container.env.find((entry) => entry.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual(
          {
            name: `${app}-migrations`,
            key: 'DATABASE_URL',
          },
        );
        // Its pods are not the app's: the Service never sends them requests.
        expect(selects(selectorOf(objects), job!.spec.template.metadata.labels)).toBe(false);

        // The app then starts without migrating.
        const deployment = allOf<JobObject>(objects, 'Deployment')[0];
        expect(deployment.spec.template.spec.containers[0].env).toContainEqual({
          name: 'DATABASE_MIGRATIONS',
          value: 'skip',
        });
      },
    );

    it.each(postgresApps)('%s: without the Job (default values) the app migrates at start', (app) => {
      const objects = renderObjects(app);
      expect(allOf(objects, 'Job')).toEqual([]);
      const env = allOf<JobObject>(objects, 'Deployment')[0].spec.template.spec.containers[0].env ?? [];
      expect(env.map((entry) => entry.name)).not.toContain('DATABASE_MIGRATIONS');
    });

    it('needs migrations.existingSecret when enabled', () => {
      const result = render('order', [], ['migrations.enabled=true']);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/migrations\.existingSecret is required/);
    });

    it('renders no migration Job for email (MongoDB) even when the shared values enable it', () => {
      const objects = productionObjects('email');
      expect(allOf(objects, 'Job')).toEqual([]);
      const env = allOf<JobObject>(objects, 'Deployment')[0].spec.template.spec.containers[0].env ?? [];
      expect(env.map((entry) => entry.name)).not.toContain('DATABASE_MIGRATIONS');
    });
  });

  describe('declared Kafka topics as a hook Job', () => {
    it('runs topics-command.js once, in the auth release, before the migrations, with the SASL credentials', () => {
      const jobs = everyProductionObject().filter(
        (object) => object.kind === 'Job' && object.metadata.name.endsWith('-kafka-topics'),
      ) as JobObject[];
      expect(jobs.map((job) => job.metadata.name)).toEqual(['auth-kafka-topics']);
      const [job] = jobs;
      expect(hookOf(job)).toBe('pre-install,pre-upgrade');
      const migrations = named<JobObject>(productionObjects('auth'), 'Job', 'auth-migrations')!;
      expect(Number(job.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(
        Number(migrations.metadata.annotations?.['helm.sh/hook-weight']),
      );
      const [container] = job.spec.template.spec.containers;
      expect(container.command).toEqual(['node', 'dist/libs/messaging/src/topics/topics-command.js']);
      expect(existsSync(join(repoRoot, 'libs/messaging/src/topics/topics-command.ts'))).toBe(true);
      const env = Object.fromEntries(container.env.map((entry) => [entry.name, entry]));
      expect(env.KAFKA_BROKERS.value).toContain(':9093');
      expect(env.KAFKA_SASL_PASSWORD.valueFrom?.secretKeyRef).toEqual({
        name: 'auth-credentials',
        key: 'KAFKA_SASL_PASSWORD',
      });
      expect(env.NODE_ENV.value).toBe('production');
    });

    it('passes the replication factor and --fail-on-drift when set', () => {
      const objects = renderObjects(
        'auth',
        [],
        ['kafkaTopics.enabled=true', 'kafkaTopics.replicationFactor=1', 'kafkaTopics.failOnDrift=true'],
      );
      expectValidObjects(objects);
      const [job] = allOf<JobObject>(objects, 'Job');
      expect(job.spec.template.spec.containers[0].command).toEqual([
        'node',
        'dist/libs/messaging/src/topics/topics-command.js',
        '--replication',
        '1',
        '--fail-on-drift',
      ]);
      expect(allOf(renderObjects('course', [], ['kafkaTopics.enabled=true']), 'Job')).toEqual([]);
    });
  });

  describe('Gateway API and TLS', () => {
    const expectedRoutes: Record<string, string> = {
      '/auth': 'auth',
      '/users': 'auth',
      // The pages the links of verification and password-reset e-mails open.
      '/verify-email': 'auth',
      '/reset-password': 'auth',
      '/courses': 'course',
      '/me/courses': 'course',
      '/certificates': 'course',
      '/orders': 'order',
      '/emails': 'email',
    };

    type Route = KubeObject & {
      spec: {
        parentRefs: object[];
        hostnames: string[];
        rules: Array<{
          matches: Array<{ path: { type: string; value: string } }>;
          backendRefs: Array<{ name: string; port: number }>;
        }>;
      };
    };

    it('routes the four services on one host by path, each release its own paths', () => {
      const routing: Record<string, string> = {};
      const hosts = new Set<string>();
      const parents = new Set<string>();
      for (const app of serviceApps) {
        const objects = productionObjects(app);
        const routes = allOf<Route>(objects, 'HTTPRoute');
        expect(routes).toHaveLength(1);
        const service = allOf<KubeObject & { spec: { ports: Array<{ port: number }> } }>(
          objects,
          'Service',
        )[0];
        for (const host of routes[0].spec.hostnames) hosts.add(host);
        parents.add(JSON.stringify(routes[0].spec.parentRefs));
        for (const rule of routes[0].spec.rules) {
          expect(rule.backendRefs).toEqual([
            { name: service.metadata.name, port: service.spec.ports[0].port },
          ]);
          for (const match of rule.matches) {
            expect(match.path.type).toBe('PathPrefix');
            expect(routing[match.path.value]).toBeUndefined();
            routing[match.path.value] = service.metadata.name;
          }
        }
      }
      expect(routing).toEqual(expectedRoutes);
      expect([...hosts]).toEqual(['api.coursehub.example']);
      expect(parents.size).toBe(1);
    });

    it('issues the TLS certificate once, with no cert-manager annotation anywhere', () => {
      const all = everyProductionObject();
      const certificates = all.filter((object) => object.kind === 'Certificate') as Array<
        KubeObject & { spec: { secretName: string; dnsNames: string[] } }
      >;
      expect(certificates).toHaveLength(1);
      expect(productionObjects('auth')).toContain(certificates[0]);
      expect(certificates[0].spec.dnsNames).toEqual(['api.coursehub.example']);
      const annotated = all.filter((object) =>
        Object.keys(object.metadata.annotations ?? {}).some((key) => key.startsWith('cert-manager.io/')),
      );
      expect(annotated.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([]);
    });

    it('needs the Gateway to attach to', () => {
      const result = render('order', [], ['httpRoute.enabled=true']);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/httpRoute\.parentRefs/);
    });
  });

  describe('helm test', () => {
    it.each(serviceApps)(
      '%s: a test pod asks the Service for /health/ready from a pod the NetworkPolicy admits',
      (app) => {
        const objects = productionObjects(app);
        const tests = allOf<PodObject>(objects, 'Pod').filter((pod) => hookOf(pod) === 'test');
        expect(tests).toHaveLength(1);
        const [pod] = tests;
        expect(pod.metadata.labels?.['app.kubernetes.io/part-of']).toBe('coursehub');
        expect(selects(selectorOf(objects), pod.metadata.labels ?? {})).toBe(false);
        const [container] = pod.spec.containers;
        expect(container.env).toContainEqual({
          name: 'TARGET_URL',
          value: `http://${app}.coursehub.svc:80${healthRoutes.ready}`,
        });
        expect(container.command.slice(0, 2)).toEqual(['node', '-e']);
        expect(container.command[2]).toContain('process.exit(1)');
        expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true });
        expect(allOf(renderObjects(app, [], ['tests.enabled=false']), 'Pod')).toEqual([]);
      },
    );
  });

  describe('dashboard and alerts', () => {
    /** The metric names the services export (libs/core, libs/messaging) that dashboards and alerts use. */
    const metrics = [
      'coursehub_messaging_events_dead_lettered_total',
      'coursehub_outbox_oldest_unsent_age_seconds',
      'coursehub_http_request_duration_seconds',
      'coursehub_kafka_consumer_lag',
      'coursehub_build_info',
    ];
    const usedMetrics = (expressions: string[]): string[] =>
      [...new Set(expressions.flatMap((expr) => expr.match(/\bcoursehub_[a-z_]+/g) ?? []))].map((name) =>
        name.replace(/_(bucket|count|sum)$/, ''),
      );

    it('ships one dashboard JSON, identical in every chart, as a ConfigMap with the Grafana sidecar label', () => {
      const files = serviceApps.map((app) =>
        readFileSync(join(helmDir, app, 'files', 'grafana-dashboard.json'), 'utf8'),
      );
      expect(new Set(files).size).toBe(1);
      const dashboards = everyProductionObject().filter(
        (object) => object.kind === 'ConfigMap' && object.metadata.labels?.grafana_dashboard === '1',
      ) as Array<KubeObject & { data: Record<string, string> }>;
      expect(dashboards).toHaveLength(1);
      expect(productionObjects('auth')).toContain(dashboards[0]);
      const dashboard = JSON.parse(dashboards[0].data['coursehub.json']) as {
        uid: string;
        panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      };
      expect(dashboard).toEqual(JSON.parse(files[0]));
      expect(dashboard.uid).toBe('coursehub-overview');
      const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
      expect(usedMetrics(expressions)).toEqual(expect.arrayContaining(metrics));
      for (const expr of expressions) expect(balanced(expr)).toBe(true);
      expect(allOf(renderObjects('auth'), 'ConfigMap')).toHaveLength(1); // off by default
    });

    it('ships the five alerts once, on the exported metric names, with thresholds from values', () => {
      type Rule = KubeObject & {
        spec: {
          groups: Array<{
            rules: Array<{ alert: string; expr: string; for?: string; labels: { severity: string } }>;
          }>;
        };
      };
      const rules = everyProductionObject().filter((object) => object.kind === 'PrometheusRule') as Rule[];
      expect(rules).toHaveLength(1);
      expect(rules[0].metadata.labels?.release).toBe('kube-prometheus-stack');
      const alerts = Object.fromEntries(
        rules[0].spec.groups.flatMap((group) => group.rules).map((rule) => [rule.alert, rule]),
      );
      expect(Object.keys(alerts).sort()).toEqual([
        'CourseHubConsumerLag',
        'CourseHubDeadLettersGrowing',
        'CourseHubHighErrorRatio',
        'CourseHubOutboxStalled',
        'CourseHubPodRestarting',
      ]);
      expect(alerts.CourseHubDeadLettersGrowing.expr).toMatch(
        /increase\(coursehub_messaging_events_dead_lettered_total\{namespace="coursehub"\}\[15m\]\)\) > 0$/,
      );
      expect(alerts.CourseHubOutboxStalled.expr).toMatch(
        /coursehub_outbox_oldest_unsent_age_seconds\{namespace="coursehub"\}\) > 60$/,
      );
      expect(alerts.CourseHubHighErrorRatio.expr).toContain(
        'coursehub_http_request_duration_seconds_count{namespace="coursehub",status_code=~"5.."}',
      );
      expect(alerts.CourseHubHighErrorRatio.expr).toMatch(/> 0\.05$/);
      expect(alerts.CourseHubConsumerLag.expr).toMatch(
        /coursehub_kafka_consumer_lag\{namespace="coursehub"\}\) > 1000$/,
      );
      expect(alerts.CourseHubPodRestarting.expr).toContain(
        'kube_pod_container_status_restarts_total{namespace="coursehub"',
      );
      for (const rule of Object.values(alerts)) {
        expect(balanced(rule.expr)).toBe(true);
        expect(['warning', 'critical']).toContain(rule.labels.severity);
      }
      expect(usedMetrics(Object.values(alerts).map((rule) => rule.expr)).sort()).toEqual(
        metrics.filter((name) => name !== 'coursehub_build_info').sort(),
      );

      // A values file: chart-render's --set reads 0.2 as a string (helm's as a number).
      const tunedValues = join(mkdtempSync(join(tmpdir(), 'coursehub-alerts-')), 'values.yaml');
      writeFileSync(
        tunedValues,
        'prometheusRule:\n  enabled: true\n  thresholds:\n    errorRatio: 0.2\n    outboxAgeSeconds: 300\n',
      );
      const tuned = renderObjects('auth', [tunedValues]);
      rmSync(dirname(tunedValues), { recursive: true, force: true });
      expectValidObjects(tuned);
      const tunedRules = allOf<Rule>(tuned, 'PrometheusRule')[0].spec.groups[0].rules;
      expect(tunedRules.find((rule) => rule.alert === 'CourseHubHighErrorRatio')?.expr).toMatch(/> 0\.2$/);
      expect(tunedRules.find((rule) => rule.alert === 'CourseHubOutboxStalled')?.expr).toMatch(/> 300$/);
    });
  });
});

/** Brackets, braces and parentheses pair up (a cheap check that templating left the PromQL whole). */
function balanced(expr: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const char of expr.replace(/"[^"]*"/g, '""')) {
    if ('([{'.includes(char)) stack.push(char);
    else if (char in pairs && stack.pop() !== pairs[char]) return false;
  }
  return stack.length === 0;
}
