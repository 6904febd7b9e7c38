import { startTestPlatform, TestPlatform } from '../../platform/platform-test-app';

export const FUZZ_ADMIN = { email: 'fuzz-admin@coursehub.test', password: 'fuzz-admin-password-1' };

/** The four services in one process, as `npm start` runs them, on temporary databases. */
export type FuzzPlatform = TestPlatform;

export function startFuzzPlatform(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<FuzzPlatform> {
  return startTestPlatform(name, FUZZ_ADMIN, {
    ...(process.env.FUZZ_LOG_LEVEL ? { LOG_LEVEL: process.env.FUZZ_LOG_LEVEL } : {}),
    // The fuzzer is one client hammering the credential routes: a throttle would answer 429
    // before validation and hide what the bodies do. Throttling has its own tests.
    AUTH_THROTTLE_LIMIT: '1000000',
    ...extraEnv,
  });
}
