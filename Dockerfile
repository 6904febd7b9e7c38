# syntax=docker/dockerfile:1.7
#
# One image per CourseHub app, from the same Dockerfile:
#   docker build --build-arg APP=auth -t coursehub/auth:dev .
# APP is one of auth | course | order | email | platform.
#
# Stages: `build` compiles the whole monorepo with swc (fast, and every app shares libs/),
# `prod-deps` installs production dependencies and prunes them to what APP loads
# (docker/app-dependencies.cjs), `runtime` gets just those two outputs.

# Pinned Node 24 LTS release (the supported runtime); CI deploys the pushed image by digest.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json .swcrc nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
# Compiled tests are not part of any image.
RUN npm run build \
 && find dist -name '*.spec.js*' -delete \
 && rm -rf dist/libs/*/test dist/apps/*/test

FROM ${NODE_IMAGE} AS prod-deps
ARG APP
WORKDIR /app
COPY package.json package-lock.json ./
# argon2 loads its prebuilt binary (glibc and musl ship in the package): no compiler needed here.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
# Per app: keep the dependencies its compiled code (and the dlq / kafka-topics commands) loads, so a
# service image carries no PGlite, no MongoDB driver unless it is email, no argon2 unless it is auth;
# then drop what Node never reads at run time (type declarations, source maps, TypeScript, docs).
COPY docker/app-dependencies.cjs ./
COPY --from=build /src/dist ./dist
RUN node app-dependencies.cjs "${APP}" dist \
 && npm prune --omit=dev --no-audit --no-fund \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.ts' \
      -o -name '*.map' -o -name '*.md' \) -delete \
 && rm -rf dist app-dependencies.cjs

FROM ${NODE_IMAGE} AS runtime
ARG APP
RUN case "${APP}" in \
      auth|course|order|email|platform) ;; \
      *) echo "build arg APP must be one of auth|course|order|email|platform (got '${APP}')" >&2; exit 1 ;; \
    esac
# tini is PID 1: it forwards SIGTERM to node (which drains) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

# Memory settings, the same in `npm start` and the test harness (APP_RUNTIME in libs/testing): young-
# generation semi-spaces of at most 16 MiB, as Node 20 had them (Node 24 lets them grow: 25–180 MiB
# RSS per service, for ~7 % less CPU on cached reads by id); gc() exposed, for one memory-reducing
# collection before the app listens (releaseStartupGarbage: ~30 MiB per service); glibc's mmap
# threshold fixed at its 128 KiB default (left dynamic, memory freed after PGlite's start-up compile
# stays resident: ~90 MiB in the platform image).
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=16 --expose-gc" \
    MALLOC_MMAP_THRESHOLD_=131072 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data \
    APP=${APP}
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --from=build --chown=root:root /src/dist/libs ./dist/libs
COPY --from=build --chown=root:root /src/dist/apps/${APP} ./dist/apps/${APP}
# The testing library never ships; the embedded runtime (PGlite, Mongo wire server, SMTP sink)
# only in the platform image.
RUN rm -rf dist/libs/testing \
 && if [ "${APP}" != platform ]; then rm -rf dist/libs/embedded; fi
# Code stays root-owned and read-only to the app; only DATA_DIR and /tmp are writable
# (Kubernetes mounts emptyDirs there and runs with a read-only root filesystem).
# Numeric: Kubernetes' runAsNonRoot (and OpenShift) can only verify a UID. 1000 is the node image's
# `node` user and the charts' runAsUser.
RUN mkdir -p /app/data && chown 1000:1000 /app/data
USER 1000:1000

EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# Shell form would put a shell between tini and node; exec form needs the path spelled out per app,
# so the entry point resolves APP once at start.
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
