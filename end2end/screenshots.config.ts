import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `make screenshots`: the README's pictures, apart from the tests (`make test` never runs
// these). The same browser and server as playwright.config.ts, on a port and a fresh SQLite
// database of their own.
const port = Number(process.env.TICK_SCREENSHOTS_PORT ?? 3190);
const baseURL = `http://127.0.0.1:${port}`;
const server = base.webServer as Exclude<NonNullable<typeof base.webServer>, readonly unknown[]>;
const js = base.projects!.find((project) => project.name === 'js')!;

export default defineConfig({
  ...base,
  testDir: './screenshots',
  timeout: 60_000,
  use: { ...base.use, baseURL, trace: 'off' },
  projects: [{ name: 'screenshots', use: js.use }],
  webServer: {
    ...server,
    command: 'rm -rf target/screenshots-data && exec target/release/tick',
    url: `${baseURL}/healthz`,
    env: { ...server.env, TICK_ADDR: `127.0.0.1:${port}`, TICK_DATA_DIR: 'target/screenshots-data' },
  },
});
