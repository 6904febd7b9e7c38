#!/usr/bin/env bash
# Runs once, on the first start of an empty PostgreSQL volume (docker-entrypoint-initdb.d):
# one database and one login role per service, so no service can read another's data.
#   COURSEHUB_DATABASES    space-separated service names, e.g. "auth course order"
#   COURSEHUB_DB_PASSWORD  password of every service role (a laptop stack; production uses its own database)
# Names are quoted with %I: "order" is an SQL keyword.
set -euo pipefail

: "${COURSEHUB_DATABASES:?set COURSEHUB_DATABASES, e.g. \"auth course order\"}"
: "${COURSEHUB_DB_PASSWORD:?set COURSEHUB_DB_PASSWORD}"

for database in ${COURSEHUB_DATABASES}; do
  echo "init-databases: database and role \"${database}\""
  psql --no-psqlrc -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v name="${database}" -v password="${COURSEHUB_DB_PASSWORD}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'password')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name') \gexec
SQL
done
