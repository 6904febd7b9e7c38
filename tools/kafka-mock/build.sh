#!/bin/sh
# Builds the kafka-mock launcher (librdkafka mock cluster) next to this script.
# Needs a C compiler and librdkafka headers (Debian: librdkafka-dev).
# Compiles to a temporary file and renames it, so parallel builds (e.g. several jest workers)
# never execute a half-written binary.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
tmp="$dir/.kafka-mock.$$.tmp"
trap 'rm -f "$tmp"' EXIT
${CC:-cc} -O2 -Wall -o "$tmp" "$dir/kafka-mock.c" -lrdkafka
mv -f "$tmp" "$dir/kafka-mock"
