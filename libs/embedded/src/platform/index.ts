export * from './embedded-postgres';
export * from './embedded-infrastructure';
export * from './dev-mailbox.controller';
export * from './platform-environment';
export * from './data-dir-lock';
