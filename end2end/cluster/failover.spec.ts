import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  addTodos,
  collectProblems,
  logIn,
  PNG,
  signUp,
  todoItems,
  todoTitles as labels,
  waitForHydration,
} from '../tests/helpers';
import { clusterDir } from '../cluster.config';

// A node dies (SIGKILL) under an open page, in the middle of the multi-node run: the page's
// session, to-dos and attachment are all still there on the other node, and its live updates
// resume. Runs between the two rounds of shared specs (cluster.config.ts).

const CLUSTER_DIR = resolve(__dirname, '..', '..', clusterDir);

/** The node (haproxy's server name, `node1` or `node2`) that serves the page's event stream. */
function streamNode(page: Page): Promise<string> {
  return new Promise((done) => {
    page.on('response', (res) => {
      const node = res.headers()['x-tick-node'];
      if (new URL(res.url()).pathname === '/events' && node) done(node);
    });
  });
}

test('a node killed under an open page loses nothing, and the page stays live', async ({ page, browser, baseURL }) => {
  test.setTimeout(60_000);
  const username = await signUp(page);
  const node = streamNode(page);
  await page.goto('/');
  await waitForHydration(page);
  await addTodos(page, 'before the kill');
  const row = todoItems(page).filter({ hasText: 'before the kill' });
  await row.getByLabel('Attach files to: before the kill').setInputFiles({
    name: 'dot.png',
    mimeType: 'image/png',
    buffer: PNG,
  });
  await expect(row.getByRole('link', { name: 'dot.png' })).toBeVisible();

  // Kill the node holding the page's event stream, without warning.
  const victim = await node;
  expect(victim).toMatch(/^node[12]$/);
  const pid = Number(readFileSync(join(CLUSTER_DIR, `${victim}.pid`), 'utf8'));
  process.kill(pid, 'SIGKILL');
  const problems = collectProblems(page);

  // A change made by another browser after the kill reaches the open page: its stream has
  // moved to the other node.
  const other = await browser.newContext({ baseURL });
  await logIn(other.request, username);
  const added = await other.request.post('/fn/todos/add', { form: { title: 'after the kill' } });
  expect(added.ok(), await added.text()).toBeTruthy();
  await expect(labels(page)).toHaveText(['before the kill', 'after the kill'], { timeout: 15_000 });
  await other.close();

  // The page itself can still change things, and a reload keeps the session.
  await addTodos(page, 'from the open page');
  await page.reload();
  await waitForHydration(page);
  await expect(labels(page)).toHaveText(['before the kill', 'after the kill', 'from the open page']);

  // The attachment is in the object store, not on the dead node.
  const link = todoItems(page).filter({ hasText: 'before the kill' }).getByRole('link', { name: 'dot.png' });
  const download = await page.request.get((await link.getAttribute('href'))!);
  expect(download.status()).toBe(200);
  expect(Buffer.compare(await download.body(), PNG)).toBe(0);

  // The stream cut by the kill is the only request that failed (the browser also logs it).
  expect(problems.filter((problem) => !/\/events\?/.test(problem))).toEqual([]);
});
