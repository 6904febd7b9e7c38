#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine: npm packages, the Debian
# packages the integration tests use, and the Kafka mock cluster launcher. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# librdkafka-dev: the Kafka wire-protocol mock cluster behind the messaging tests.
# docker-compose: validates docker-compose.yml against the Compose specification.
debian_packages=(librdkafka-dev docker-compose build-essential)
missing=()
for package in "${debian_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
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
