export { EmailModule } from './email.module';
export type { EmailModuleOptions } from './email.module';
