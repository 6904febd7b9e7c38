#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine and says what it installs:
# npm packages, Node 24 for the tests, the Debian packages the integration tests use (Kafka mock
# cluster, docker-compose, Java for the Jenkinsfile lint, chromium for the browser tests, a
# PostgreSQL server when none runs), and
# the Kafka mock cluster launcher. Safe to run again: what is there is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# librdkafka-dev: the Kafka wire-protocol mock cluster behind the messaging tests.
# docker-compose: validates docker-compose.yml against the Compose specification.
# A Java runtime: npm-groovy-lint (the Jenkinsfile check) runs CodeNarc on the JVM.
debian_packages=(librdkafka-dev docker-compose build-essential)
command -v java >/dev/null 2>&1 || debian_packages+=(default-jre-headless)
# chromium: the browser tests (test/browser) drive Debian's chromium with playwright-core (an npm
# devDependency, no browser download); CHROMIUM_PATH names another chromium instead.
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  debian_packages+=(chromium)
fi
# The integration tests need a PostgreSQL server on 127.0.0.1:5432 (TEST_POSTGRES_URL for another).
postgres_wanted=false
if [ -z "${TEST_POSTGRES_URL:-}" ] && ! (command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q); then
  postgres_wanted=true
  command -v pg_ctlcluster >/dev/null 2>&1 || debian_packages+=(postgresql)
fi
missing=()
for package in "${debian_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$postgres_wanted" = true ]; then
  cluster_version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "setup: starting PostgreSQL $cluster_version (trust authentication on 127.0.0.1 for the tests)"
  hba="/etc/postgresql/$cluster_version/main/pg_hba.conf"
  grep -q '^host all all 127.0.0.1/32 trust' "$hba" || as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  as_root pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start || as_root pg_ctlcluster "$cluster_version" main reload
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

# The Helm chart tests render with `helm` when it is on PATH, else with the chart renderer of
# ../shared/bin (CHART_RENDER names another); Debian ships neither, so say which one is there.
if command -v helm >/dev/null 2>&1; then
  echo "setup: charts render with $(command -v helm)"
elif [ -x "${CHART_RENDER:-../shared/bin/chart-render}" ]; then
  echo "setup: charts render with ${CHART_RENDER:-../shared/bin/chart-render}"
else
  echo "setup: no helm and no chart renderer found: install helm (https://helm.sh) for the chart tests" >&2
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi

# Node 24 LTS is the runtime the tests run on: on an older node, its binary comes from the npm
# registry into .tools/node24 (git-ignored) and `npm test` runs jest with it (tools/node24.js).
node tools/node24.js install

echo "setup: building the Kafka mock cluster launcher"
tools/kafka-mock/build.sh

echo "setup: done"
