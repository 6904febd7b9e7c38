export * from './html';
export * from './landing-state';
export * from './landing.dto';
export * from './landing.controller';
export * from './landing.module';
