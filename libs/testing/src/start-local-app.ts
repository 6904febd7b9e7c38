import { createRootModule, RootModuleOptions, startApp, TransportKind } from '@coursehub/messaging';

export interface LocalAppOptions extends Omit<RootModuleOptions, 'transport' | 'env'> {
  /** The app's title (its OpenAPI document's). */
  title: string;
  /** In-process unless told otherwise: no broker to start. */
  transport?: TransportKind;
  /** Settings over `process.env`, as the service would read them from its own environment. */
  env?: Record<string, string | undefined>;
}

/**
 * Features composed with createRootModule as their service composes them, started in this process
 * on a free port of the loopback: how tests and benchmarks run a service of their own.
 */
export function startLocalApp({ title, transport = 'in-process', env = {}, ...root }: LocalAppOptions) {
  return startApp(createRootModule({ ...root, transport, env: { ...process.env, ...env } }), {
    title,
    listenOn: { port: 0, host: '127.0.0.1' },
  });
}
