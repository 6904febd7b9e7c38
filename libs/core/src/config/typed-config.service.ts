import { ConfigService } from '@nestjs/config';

/**
 * The validated environment of the running app. `ConfigModule` is loaded with the parsed
 * (coerced, defaulted) values, so `get` returns numbers, booleans and lists, not raw strings.
 */
export type TypedConfigService<Env extends object> = ConfigService<Env, true>;

/** The validated values of `keys`, as one object: for a factory that takes an env-shaped object. */
export function configValues<Env extends object, Key extends keyof Env & string>(
  config: TypedConfigService<Env>,
  keys: readonly Key[],
): Pick<Env, Key> {
  return Object.fromEntries(keys.map((key) => [key, config.get(key, { infer: true })])) as Pick<Env, Key>;
}
