/*
 * The Helm charts under helm/: rendered with `helm template` (or ../shared/bin/chart-render where
 * helm is not installed), every object validated against the Kubernetes API schemas
 * (kubernetes-models), and the wiring checked against the apps themselves: health routes, port,
 * the env their config schemas need, HPA target, selectors, and values.schema.json rejecting bad values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Secret, Service } from 'kubernetes-models/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  allOf,
  appConfigMap,
  chartDir,
  expectValidObjects,
  helm,
  helmDir,
  type KubeObject,
  only,
  productionValues,
  render,
  renderObjects,
  useCharts,
} from './helm-render';
import {
  deploymentEnvVars,
  envProblems,
  existingAppSchemas,
  healthRoutes,
  run,
  serviceApps,
} from './support';

useCharts();

function matches(selector: Record<string, string>, labels: Record<string, string> = {}): boolean {
  return (
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([key, value]) => labels[key] === value)
  );
}

type DeploymentObject = KubeObject & {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    strategy: { type: string; rollingUpdate: { maxUnavailable: number | string } };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        securityContext: { runAsNonRoot: boolean };
        volumes: Array<{ name: string; emptyDir?: object; secret?: { secretName: string } }>;
        containers: Array<{
          ports: Array<{ name: string; containerPort: number }>;
          env?: Array<{
            name: string;
            value?: string;
            valueFrom?: { secretKeyRef?: { name: string; key: string } };
          }>;
          envFrom?: Array<{ configMapRef?: { name: string } }>;
          volumeMounts: Array<{ name: string; mountPath: string }>;
          resources: { requests?: object; limits?: object };
          securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
          livenessProbe: { httpGet: { path: string; port: string | number } };
          readinessProbe: { httpGet: { path: string; port: string | number } };
          startupProbe: { httpGet: { path: string; port: string | number } };
        }>;
      };
    };
  };
};

const valueSets = [
  { name: 'default values', files: [] as string[] },
  { name: 'production values', files: [productionValues] },
];

describe('Helm charts', () => {
  if (helm) {
    it.each(serviceApps)('helm lint %s passes with default and production values', (app) => {
      for (const files of [[], [productionValues]]) {
        const result = run(helm!, ['lint', '--strict', chartDir(app), ...files.flatMap((f) => ['-f', f])]);
        expect(result.stdout + result.stderr).toMatch(/0 chart\(s\) failed/);
        expect(result.status).toBe(0);
      }
    });
  }

  it('share their templates through the library chart', () => {
    const library = yaml.load(readFileSync(join(helmDir, 'coursehub-lib', 'Chart.yaml'), 'utf8')) as {
      type: string;
    };
    expect(library.type).toBe('library');
    const schema = readFileSync(join(helmDir, 'auth', 'values.schema.json'), 'utf8');
    for (const app of serviceApps) {
      const chart = yaml.load(readFileSync(join(helmDir, app, 'Chart.yaml'), 'utf8')) as {
        name: string;
        dependencies: Array<{ name: string; repository: string }>;
      };
      expect(chart.name).toBe(app);
      expect(chart.dependencies).toEqual([
        expect.objectContaining({ name: 'coursehub-lib', repository: 'file://../coursehub-lib' }),
      ]);
      // One values contract for all four charts.
      expect(readFileSync(join(helmDir, app, 'values.schema.json'), 'utf8')).toBe(schema);
    }
  });

  describe.each(serviceApps)('%s', (app) => {
    const schema = existingAppSchemas([app])[0]?.[1];

    describe.each(valueSets)('with $name', ({ files }) => {
      let objects: KubeObject[];
      let deployment: DeploymentObject;
      beforeAll(() => {
        objects = renderObjects(app, files);
        deployment = only<DeploymentObject>(objects, 'Deployment');
      });

      it('renders objects that are valid against the Kubernetes API schemas', () => {
        // Custom kinds (ServiceMonitor, HTTPRoute, Certificate, PrometheusRule) against their CRD schemas.
        expectValidObjects(objects);
        // The models do reject a broken object (a port that is not a number).
        const broken = structuredClone(deployment);
        (broken.spec.template.spec.containers[0].ports[0] as { containerPort: unknown }).containerPort =
          'http';
        expect(() => new Deployment(broken as object).validate()).toThrow();
      });

      it('probes the real health routes on the container port the app listens on', () => {
        const container = deployment.spec.template.spec.containers[0];
        expect(container.livenessProbe.httpGet).toEqual({ path: healthRoutes.live, port: 'http' });
        expect(container.readinessProbe.httpGet).toEqual({ path: healthRoutes.ready, port: 'http' });
        expect(container.startupProbe.httpGet).toEqual({ path: healthRoutes.live, port: 'http' });
        const config = appConfigMap(objects);
        expect(container.ports).toEqual([
          expect.objectContaining({ name: 'http', containerPort: Number(config.data?.PORT) }),
        ]);
        expect(container.envFrom).toEqual([{ configMapRef: { name: config.metadata?.name } }]);
        expect(config.data?.NODE_ENV).toBe('production');
      });

      it('runs non-root on a read-only root filesystem with writable /tmp and DATA_DIR, with resources', () => {
        const pod = deployment.spec.template.spec;
        const container = pod.containers[0];
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        });
        const dataDir = appConfigMap(objects).data?.DATA_DIR;
        const emptyDirs = pod.volumes.filter((volume) => volume.emptyDir).map((volume) => volume.name);
        const writable = container.volumeMounts
          .filter((mount) => emptyDirs.includes(mount.name))
          .map((m) => m.mountPath);
        expect(writable.sort()).toEqual([dataDir, '/tmp'].sort());
        expect(container.resources.requests).toEqual(
          expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
        );
        expect(container.resources.limits).toEqual(expect.objectContaining({ memory: expect.anything() }));
      });

      it('rolls out without taking capacity away', () => {
        expect(deployment.spec.strategy).toMatchObject({
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 0 },
        });
        const annotations = deployment.spec.template.metadata.annotations;
        expect(annotations['checksum/config']).toMatch(/^[a-f0-9]{64}$/);
        expect(annotations['checksum/secret']).toMatch(/^[a-f0-9]{64}$/);
      });

      it('scales the Deployment with an HPA, and every selector matches the pods', () => {
        const podLabels = deployment.spec.template.metadata.labels;
        expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
        const hpa = only<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
        expect(hpa.spec?.scaleTargetRef).toEqual({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deployment.metadata.name,
        });
        expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(1);
        expect(hpa.spec?.maxReplicas).toBeGreaterThanOrEqual(hpa.spec?.minReplicas ?? 1);
        expect(hpa.spec?.metrics?.[0].resource).toMatchObject({
          name: 'cpu',
          target: { type: 'Utilization' },
        });
        expect(deployment.spec.replicas).toBeUndefined(); // the HPA owns the replica count

        const service = only<Service>(objects, 'Service');
        expect(matches(service.spec?.selector ?? {}, podLabels)).toBe(true);
        expect(service.spec?.ports).toEqual([expect.objectContaining({ name: 'http', targetPort: 'http' })]);
        const pdb = only<PodDisruptionBudget>(objects, 'PodDisruptionBudget');
        expect(matches(pdb.spec?.selector?.matchLabels ?? {}, podLabels)).toBe(true);
        for (const policy of allOf<NetworkPolicy>(objects, 'NetworkPolicy')) {
          expect(matches(policy.spec?.podSelector.matchLabels ?? {}, podLabels)).toBe(true);
        }
        for (const monitor of objects.filter((object) => object.kind === 'ServiceMonitor')) {
          const spec = monitor.spec as {
            selector: { matchLabels: Record<string, string> };
            endpoints: object[];
          };
          expect(matches(spec.selector.matchLabels, service.metadata?.labels)).toBe(true);
          expect(spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
        }
        for (const ingress of allOf<Ingress>(objects, 'Ingress')) {
          for (const rule of ingress.spec?.rules ?? []) {
            for (const path of rule.http?.paths ?? []) {
              expect(path.backend.service).toEqual({ name: service.metadata?.name, port: { name: 'http' } });
            }
          }
        }
      });

      // Apps are written in parallel with the charts: checked for every app whose env schema exists.
      if (schema)
        it('gives the app every variable its config requires, from the ConfigMap or a Secret', () => {
          const container = deployment.spec.template.spec.containers[0];
          const configData = appConfigMap(objects).data ?? {};
          const managedSecrets = allOf<Secret>(objects, 'Secret');
          const env: Record<string, string> = { ...configData };
          const fromExistingSecrets: string[] = [];
          for (const variable of container.env ?? []) {
            const ref = variable.valueFrom?.secretKeyRef;
            if (!ref) {
              env[variable.name] = variable.value ?? '';
              continue;
            }
            const secret = managedSecrets.find((candidate) => candidate.metadata?.name === ref.name);
            if (secret) env[variable.name] = secret.stringData?.[ref.key] ?? '';
            else fromExistingSecrets.push(variable.name); // the operator's Secret: present by name, value unknown here
          }
          const provided = [...Object.keys(env).filter((key) => env[key] !== ''), ...fromExistingSecrets];
          expect(deploymentEnvVars(app, schema).filter((key) => !provided.includes(key))).toEqual([]);
          // What the chart does know must pass the app's own validation.
          const knowable = Object.fromEntries(
            Object.entries(env).filter(([key]) => !fromExistingSecrets.includes(key)),
          );
          const problems = envProblems(schema, knowable).filter(
            (problem) => !fromExistingSecrets.some((key) => problem.startsWith(`${key}:`)),
          );
          expect(problems).toEqual([]);

          if (app === 'auth') {
            // Production mode needs a signing key: mounted from a Secret, named by JWT_PRIVATE_KEY_FILE.
            const keyFile = env.JWT_PRIVATE_KEY_FILE;
            const mount = container.volumeMounts.find((candidate) =>
              keyFile.startsWith(`${candidate.mountPath}/`),
            );
            const volume = deployment.spec.template.spec.volumes.find(
              (candidate) => candidate.name === mount?.name,
            );
            expect(volume?.secret?.secretName).toBeTruthy();
          } else {
            expect(env.JWT_JWKS_URL).toBe('http://auth.coursehub.svc/auth/.well-known/jwks.json');
          }
        });
    });

    it('rolls the pods when the configuration changes', () => {
      const checksum = (set: string[]): string =>
        only<DeploymentObject>(renderObjects(app, [], set), 'Deployment').spec.template.metadata.annotations[
          'checksum/config'
        ];
      expect(checksum(['config.LOG_LEVEL=debug'])).not.toBe(checksum([]));
    });

    it('honours replicaCount when autoscaling is off', () => {
      const objects = renderObjects(app, [], ['autoscaling.enabled=false', 'replicaCount=3']);
      expect(objects.some((object) => object.kind === 'HorizontalPodAutoscaler')).toBe(false);
      expect(only<DeploymentObject>(objects, 'Deployment').spec.replicas).toBe(3);
    });

    it.each([
      ['replicaCount=x', /replicaCount/],
      ['autoscaling.maxReplicas=-1', /maxReplicas/],
      ['autoscaling.targetCPUUtilizationPercentage=150', /targetCPUUtilizationPercentage/],
      ['containerPort=0', /containerPort/],
      ['image.pullPolicy=Sometimes', /pullPolicy/],
      ['replicaCont=2', /replicaCont/],
      ['config.PORT=8080', /config/],
    ])('rejects bad values through values.schema.json: %s', (pair, message) => {
      const result = render(app, [], [pair]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(message);
    });
  });
});
