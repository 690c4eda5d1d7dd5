import { defineConfig } from '@playwright/test';

// Tick's browser tests run in Debian's Chromium (Playwright cannot download browsers here)
// against the release build, on a fresh SQLite database.
const port = Number(process.env.TICK_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  // One server, one list: specs run one at a time and each starts from an empty list.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'js',
      testIgnore: /no-js\.spec\.ts/,
      use: { ...chromium, javaScriptEnabled: true },
    },
    {
      name: 'no-js',
      testMatch: /no-js\.spec\.ts/,
      use: { ...chromium, javaScriptEnabled: false },
    },
  ],
  webServer: {
    command: 'rm -rf target/e2e-data && exec target/release/tick',
    cwd: '..',
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      TICK_ADDR: `127.0.0.1:${port}`,
      TICK_DATA_DIR: 'target/e2e-data',
      LEPTOS_SITE_ROOT: 'target/site',
      TICK_LOG: 'warn',
      // Every spec signs up accounts of its own, all from this one address.
      TICK_SIGNUPS_PER_ADDRESS: '0',
    },
  },
});
