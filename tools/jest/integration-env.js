// Defaults for integration tests; anything already set in the environment wins.
// TEST_POSTGRES_URL is the server tests create their temporary databases on; tests then point
// the apps' DATABASE_URL at those databases, so the two must not be the same variable.
process.env.TEST_POSTGRES_URL ??= process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
process.env.LOG_LEVEL ??= 'warn';
process.env.NODE_ENV ??= 'test';
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
