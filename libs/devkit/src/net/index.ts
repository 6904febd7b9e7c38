export * from './tcp-proxy';
export * from './free-ports';
