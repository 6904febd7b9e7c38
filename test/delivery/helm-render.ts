/*
 * Rendering the Helm charts for the delivery checks: `helm template` on a copy of helm/ (after
 * `helm dependency build`), or ../shared/bin/chart-render where helm is not installed, and the
 * Kubernetes API models (kubernetes-models plus the CRDs' models) every rendered kind is checked with.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as yaml from 'js-yaml';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { onPath, repoRoot, run, serviceApps, type ServiceApp } from './support';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const helmDir = join(repoRoot, 'helm');
export const productionValues = join(helmDir, 'values-production.example.yaml');
export const helm = onPath('helm');
/**
 * The offline `helm template` stand-in of these machines lives beside the checkout in
 * ../shared; a clone elsewhere (CI) finds it through CHART_RENDER or the workspace's copy.
 */
export const chartRender =
  [
    process.env.CHART_RENDER,
    resolve(repoRoot, '..', 'shared', 'bin', 'chart-render'),
    '/work/shared/bin/chart-render',
  ].find((candidate): candidate is string => !!candidate && existsSync(candidate)) ??
  resolve(repoRoot, '..', 'shared', 'bin', 'chart-render');

type Model = new (data: object) => { validate(): void };
/** The CRD models type their constructor argument precisely; the charts' objects are checked at run time. */
const crd = (model: unknown): Model => model as Model;

/** Kubernetes API models (OpenAPI schemas, CRD schemas for the custom kinds) for every kind the charts render. */
export const models: Record<string, Model> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Pod': Pod,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'gateway.networking.k8s.io/v1/HTTPRoute': crd(HTTPRoute),
  'cert-manager.io/v1/Certificate': crd(Certificate),
  'monitoring.coreos.com/v1/ServiceMonitor': crd(ServiceMonitor),
  'monitoring.coreos.com/v1/PrometheusRule': crd(PrometheusRule),
};

/**
 * With helm, work on a copy of helm/ so `helm dependency build` (which vendors the library chart
 * into charts/) leaves the tree untouched. chart-render resolves file:// dependencies itself.
 * `useCharts()` runs both around a file's tests.
 */
let chartsRoot = helmDir;
export function prepareCharts(): void {
  if (!helm) {
    expect(existsSync(chartRender)).toBe(true);
    return;
  }
  chartsRoot = mkdtempSync(join(tmpdir(), 'coursehub-helm-'));
  cpSync(helmDir, chartsRoot, {
    recursive: true,
    filter: (source) => !/[/\\]charts$|Chart\.lock$/.test(source),
  });
  for (const app of serviceApps) {
    const built = run(helm, ['dependency', 'build', join(chartsRoot, app)]);
    expect(built.stderr + built.stdout).not.toMatch(/Error/);
    expect(built.status).toBe(0);
  }
}
export function removeCharts(): void {
  if (chartsRoot !== helmDir) rmSync(chartsRoot, { recursive: true, force: true });
}
/** Prepares the charts before the file's tests and removes the copy after them. */
export function useCharts(): void {
  beforeAll(prepareCharts);
  afterAll(removeCharts);
}
export function chartDir(app: ServiceApp): string {
  return join(chartsRoot, app);
}

export function render(
  app: ServiceApp,
  valuesFiles: string[] = [],
  set: string[] = [],
): ReturnType<typeof run> {
  const options = [
    ...valuesFiles.flatMap((file) => ['--values', file]),
    ...set.flatMap((pair) => ['--set', pair]),
    '--namespace',
    'coursehub',
  ];
  return helm
    ? run(helm, ['template', app, join(chartsRoot, app), ...options])
    : run(chartRender, ['--release-name', app, ...options, join(chartsRoot, app)]);
}

export function renderObjects(app: ServiceApp, valuesFiles: string[] = [], set: string[] = []): KubeObject[] {
  const result = render(app, valuesFiles, set);
  if (result.status !== 0) throw new Error(`rendering ${app} failed:\n${result.stderr}`);
  return yaml.loadAll(result.stdout).filter((doc): doc is KubeObject => !!doc && typeof doc === 'object');
}

/** Every object is valid against its kind's schema; an unknown kind fails. */
export function expectValidObjects(objects: KubeObject[]): void {
  for (const object of objects) {
    const key = `${object.apiVersion}/${object.kind}`;
    const Model = models[key];
    expect([key, Model !== undefined]).toEqual([key, true]);
    expect(() => new Model(object).validate()).not.toThrow();
  }
}

export function only<T = KubeObject>(objects: KubeObject[], kind: string): T {
  const found = objects.filter((object) => object.kind === kind);
  expect(found.map((object) => object.kind)).toEqual([kind]);
  return found[0] as T;
}

export function allOf<T = KubeObject>(objects: KubeObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as unknown as T[];
}

/** The app's own ConfigMap (the one its Deployment reads), beside e.g. the dashboard's. */
export function appConfigMap(objects: KubeObject[]): ConfigMap {
  const deployment = only(objects, 'Deployment');
  const found = allOf<ConfigMap>(objects, 'ConfigMap').filter(
    (config) => config.metadata?.name === deployment.metadata.name,
  );
  expect(found).toHaveLength(1);
  return found[0];
}
