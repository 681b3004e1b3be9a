# Docent as a standalone container image: multi-stage, production dependencies only, non-root.
#   docker build -t docent .
# Configuration comes from environment variables (README, "Configuration"); /data is the volume.
ARG NODE_IMAGE=node:24-alpine

# 1. Compile TypeScript on the build machine's own platform: the output is plain JavaScript, the
#    same for every target architecture.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies for the target platform, so sharp's prebuilt binary matches it
#    (linuxmusl-x64 or linuxmusl-arm64 from the npm registry).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: node, the compiled JavaScript and its production dependencies, nothing else.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    DOCENT_DATA_DIR=/data \
    DOCENT_HEALTH_FILE=/tmp/docent-health.json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json LICENSE ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]

# Healthy only while the MQTT session is up: the daemon keeps a heartbeat file and this check
# reads it (src/health.ts); no curl or open port needed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "dist/health-check.js"]

# On SIGTERM Docent publishes `offline` and closes its sockets, then exits; it forces the exit
# itself after 10 s, within Docker's default stop timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/main.js"]
