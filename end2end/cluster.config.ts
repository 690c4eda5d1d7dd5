import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// The multi-node run (`make e2e-cluster`, part of `make test`): `make cluster`'s set-up —
// PostgreSQL, SeaweedFS as the S3 store, two release nodes, haproxy round robin in front — on
// ports of its own. The to-do, account, attachment and live-sync specs run against the
// balancer, so consecutive requests land on different nodes; then cluster/failover.spec.ts
// kills the node serving an open page's event stream with SIGKILL, and the same specs run
// again on the node that is left.
const port = Number(process.env.TICK_CLUSTER_E2E_PORT ?? 3200);
const baseURL = `http://127.0.0.1:${port}`;
/** Where cluster.sh keeps the nodes' files and pids (relative to the repository). */
export const clusterDir = 'target/e2e-cluster';
const server = base.webServer as Exclude<NonNullable<typeof base.webServer>, readonly unknown[]>;
const use = (name: string) => base.projects!.find((project) => project.name === name)!.use;

// The shared specs, with and without JavaScript; the specs that start servers of their own
// ('own servers') test one process and are left to the main run.
const specs = /tests\/(todos|accounts|attachments|live-sync)\.spec\.ts$/;
const noJsSpecs = /tests\/(accounts|attachments|live-sync)-no-js\.spec\.ts$/;

export default defineConfig({
  ...base,
  testDir: '.',
  grepInvert: /own servers/,
  use: { ...base.use, baseURL },
  projects: [
    { name: 'two-nodes', testMatch: specs, use: use('js') },
    { name: 'two-nodes-no-js', testMatch: noJsSpecs, use: use('no-js') },
    {
      name: 'kill-a-node',
      testMatch: /cluster\/failover\.spec\.ts$/,
      dependencies: ['two-nodes', 'two-nodes-no-js'],
      use: use('js'),
    },
    { name: 'one-node', testMatch: specs, dependencies: ['kill-a-node'], use: use('js') },
    { name: 'one-node-no-js', testMatch: noJsSpecs, dependencies: ['kill-a-node'], use: use('no-js') },
  ],
  webServer: {
    ...server,
    command: 'exec scripts/cluster.sh',
    url: `${baseURL}/healthz`,
    // SeaweedFS takes ~15 s to be ready; the nodes start after it.
    timeout: 180_000,
    // SIGTERM lets cluster.sh stop what it started.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      ...server.env,
      TICK_LB_ADDR: `127.0.0.1:${port}`,
      TICK_NODE_PORTS: `${port + 1} ${port + 2}`,
      TICK_CLUSTER_DB: 'tick_e2e_cluster',
      TICK_CLUSTER_DIR: clusterDir,
      TICK_CLUSTER_FRESH: '1',
      TICK_S3_PORT: String(port + 30),
    },
  },
});
