# syntax=docker/dockerfile:1
# The personalization subgraph: `docker compose up` runs it with a three-node Cassandra 5 cluster (docker-compose.yml).
# Node 22: the current @apollo/subgraph asks for it (package.json's engines also allows 20.19+ for local use).
ARG NODE_VERSION=22

# ---- build: all dependencies, TypeScript → dist/, the GraphiQL bundle → playground/dist/ ----
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json schema.graphql ./
COPY src ./src
COPY playground ./playground
RUN npm run build

# ---- runtime: production dependencies only, compiled code, non-root ----
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY schema.graphql ./
COPY cql ./cql
COPY --from=build /app/dist ./dist
COPY --from=build /app/playground/dist ./playground/dist
# The image's own unprivileged user (uid 1000); the code is owned by root, so the process cannot change it.
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# A 128 MB old generation: the service keeps no large state (bounded caches, per-request loaders), and without a cap
# V8 lets garbage grow the heap to ≈ 220 MB under load before collecting it (bench P8). Raise it with NODE_OPTIONS.
CMD ["node", "--enable-source-maps", "--max-old-space-size=128", "dist/src/main.js"]
