import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Tick processes a spec starts itself (beside the one Playwright's config starts): to restart a
// server under an open page, or to run two servers on one PostgreSQL database.

const ROOT = resolve(__dirname, '..', '..');
const BINARY = join(ROOT, 'target', 'release', 'tick');

export interface Server {
  url: string;
  /** Stops the process (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `target/release/tick` on `port` with `env` and waits until `/healthz` answers. */
export async function startTick(port: number, env: Record<string, string>): Promise<Server> {
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(BINARY, [], {
    cwd: ROOT,
    env: {
      ...process.env,
      TICK_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: 'target/site',
      TICK_LOG: 'warn',
      TICK_SIGNUPS_PER_ADDRESS: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) {
        return {
          url,
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
        };
      }
    } catch {
      // Not listening yet.
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`Tick did not start on ${url}`);
}

/** A fresh data directory, removed by the returned function. */
export function dataDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'tick-e2e-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The PostgreSQL the integration tests use (`TICK_TEST_POSTGRES_URL`). */
const ADMIN = process.env.TICK_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A new PostgreSQL database and its URL; `drop` removes it. */
export function postgresDatabase(): { url: string; drop(): void } {
  const name = `tick_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  execFileSync('psql', [ADMIN, '-q', '-c', `CREATE DATABASE "${name}"`]);
  return {
    url: ADMIN.replace(/\/[^/]*$/, `/${name}`),
    drop: () => execFileSync('psql', [ADMIN, '-q', '-c', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]),
  };
}
