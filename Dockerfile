# tcplens: one image for every role (sensor, tracker, alerter, analyze, run).
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpcap-dev python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/tcplens
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages packages
COPY services services
RUN npm ci --no-audit --no-fund && npm run build:native -w @tcplens/capture --silent \
    && npx tsc -b packages/errors packages/packet packages/wire packages/lifecycle packages/store packages/kafka packages/capture packages/service \
       services/sensor services/tracker services/alerter services/cli \
    && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpcap0.8 tini \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/tcplens
COPY --from=build /opt/tcplens /opt/tcplens
ENV NODE_ENV=production
# --initial-old-space-size: as the bin's shebang does (services/cli/bin/tcplens.js says why).
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--initial-old-space-size=256", "/opt/tcplens/services/cli/bin/tcplens.js"]
CMD ["--help"]
