// The public API of the auth feature: what a composition root needs, nothing more.
export { AuthModule } from './auth.module';
