import { ConfigService } from '@nestjs/config';

/**
 * The validated environment of the running app. `ConfigModule` is loaded with the parsed
 * (coerced, defaulted) values, so `get` returns numbers, booleans and lists, not raw strings.
 */
export type TypedConfigService<Env extends object> = ConfigService<Env, true>;
