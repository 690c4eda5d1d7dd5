import { expect, test, type Page } from '@playwright/test';
import {
  addTodos,
  collectProblems,
  logIn,
  PNG,
  secondBrowser,
  seed,
  signUp,
  todoItems,
  todoTitles as labels,
  waitForHydration,
} from './helpers';
import { dataDir, postgresDatabase, startTick } from './servers';

// Live sync: a change made in one tab, another browser, or through the API shows in every open
// page of the same user without a reload. (How fast is measured by `make bench-events`; here
// a change must simply arrive, within the usual wait.)

/** Counts rows that leave the list from now on (a row drawn anew leaves, then comes back). */
async function watchRemovedRows(page: Page) {
  await page.evaluate(() => {
    const win = window as unknown as { removedRows: number };
    win.removedRows = 0;
    new MutationObserver((records) => {
      for (const record of records) {
        win.removedRows += [...record.removedNodes].filter((node) => node.nodeName === 'LI').length;
      }
    }).observe(document.querySelector('ul.todo-list')!, { childList: true });
  });
  return () => page.evaluate(() => (window as unknown as { removedRows: number }).removedRows);
}

test('every kind of change in one browser shows in the other', async ({ page, browser, baseURL }) => {
  const username = await signUp(page);
  await page.goto('/');
  await waitForHydration(page);
  const problems = collectProblems(page);
  const other = await secondBrowser(browser, username, baseURL);

  await addTodos(page, 'buy milk', 'walk the dog');
  await expect(labels(other.page)).toHaveText(['buy milk', 'walk the dog']);

  await todoItems(page).nth(0).locator('input.toggle').check();
  await expect(todoItems(other.page).nth(0)).toHaveClass(/completed/);

  await todoItems(page).nth(1).locator('.view > label').dblclick();
  await todoItems(page).nth(1).getByLabel('Edit the to-do').fill('walk the cat');
  await todoItems(page).nth(1).getByLabel('Edit the to-do').press('Enter');
  await expect(labels(other.page)).toHaveText(['buy milk', 'walk the cat']);

  await page.getByLabel('Mark all as complete').check();
  await expect(todoItems(other.page).nth(1)).toHaveClass(/completed/);
  await page.getByLabel('Mark all as complete').uncheck();
  await expect(todoItems(other.page).nth(0)).not.toHaveClass(/completed/);

  const row = todoItems(page).filter({ hasText: 'buy milk' });
  await row.getByLabel('Attach files to: buy milk').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: PNG });
  const otherRow = todoItems(other.page).filter({ hasText: 'buy milk' });
  await expect(otherRow.getByRole('link', { name: 'receipt.png' })).toBeVisible();
  await row.getByRole('button', { name: 'Delete the attachment receipt.png' }).click();
  await expect(otherRow.locator('li.attachment')).toHaveCount(0);

  await todoItems(page).nth(0).locator('input.toggle').check();
  await page.getByRole('button', { name: 'Clear completed' }).click();
  await expect(labels(other.page)).toHaveText(['walk the cat']);
  await todoItems(page).nth(0).hover();
  await todoItems(page).nth(0).getByRole('button', { name: 'Delete: walk the cat' }).click();
  await expect(todoItems(other.page)).toHaveCount(0);

  expect(problems).toEqual([]);
  await other.context.close();
});

test('a change through the API shows, reordering included', async ({ page, playwright, baseURL }) => {
  await signUp(page);
  await page.goto('/');
  await waitForHydration(page);
  const created = await page.request.post('/fn/tokens/create', { form: { name: 'sync test' } });
  const { secret } = await created.json();
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });

  const first = await (await api.post('/api/v1/todos', { data: { title: 'from the API' } })).json();
  await expect(labels(page)).toHaveText(['from the API']);
  await api.post('/api/v1/todos', { data: { title: 'second' } });
  await expect(labels(page)).toHaveText(['from the API', 'second']);
  // Moving the first to the bottom reorders the open page.
  await api.patch(first.url, { data: { order: 1000 } });
  await expect(labels(page)).toHaveText(['second', 'from the API']);
  await api.patch(first.url, { data: { completed: true, title: 'done by a script' } });
  await expect(todoItems(page).filter({ hasText: 'done by a script' })).toHaveClass(/completed/);
  await api.delete('/api/v1/todos');
  await expect(todoItems(page)).toHaveCount(0);
  await api.dispose();
});

test('an open editor is not disturbed, and the tab\'s own changes never flicker', async ({ page, browser, baseURL }) => {
  const username = await signUp(page);
  await page.goto('/');
  await waitForHydration(page);
  await addTodos(page, 'being edited', 'untouched');
  const other = await secondBrowser(browser, username, baseURL);

  // This tab's own changes: rows are added and toggled in place, never drawn twice.
  const removed = await watchRemovedRows(page);
  await addTodos(page, 'three', 'four', 'five');
  await todoItems(page).nth(2).locator('input.toggle').check();
  await expect(labels(other.page)).toHaveText(['being edited', 'untouched', 'three', 'four', 'five']);
  await page.waitForLoadState('networkidle');
  await expect(todoItems(page)).toHaveCount(5);
  expect(await removed()).toBe(0);

  // The user is typing in an editor while the other browser renames that to-do and adds one.
  await todoItems(page).nth(0).locator('.view > label').dblclick();
  const editor = todoItems(page).nth(0).getByLabel('Edit the to-do');
  await editor.fill('my half-typed text');
  await todoItems(other.page).nth(0).locator('.view > label').dblclick();
  await todoItems(other.page).nth(0).getByLabel('Edit the to-do').fill('renamed elsewhere');
  await todoItems(other.page).nth(0).getByLabel('Edit the to-do').press('Enter');
  await addTodos(other.page, 'added elsewhere');
  await expect(labels(page).last()).toHaveText('added elsewhere');
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue('my half-typed text');
  // Escape leaves the editor: the rename made elsewhere shows now.
  await editor.press('Escape');
  await expect(labels(page).first()).toHaveText('renamed elsewhere');
  await other.context.close();
});

test('ten tabs stay live on one stream, and another page still loads at once', async ({ page, context, playwright, baseURL }) => {
  await signUp(page);
  const streams: string[] = [];
  context.on('request', (req) => {
    if (new URL(req.url()).pathname === '/events') streams.push(req.url());
  });
  const tabs = [page];
  for (let i = 1; i < 10; i++) tabs.push(await context.newPage());
  for (const tab of tabs) {
    await tab.goto('/');
    await waitForHydration(tab);
  }
  const created = await page.request.post('/fn/tokens/create', { form: { name: 'tabs' } });
  const { secret } = await created.json();
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  await api.post('/api/v1/todos', { data: { title: 'seen by every tab' } });
  for (const tab of tabs) await expect(labels(tab)).toHaveText(['seen by every tab']);
  // One tab holds the stream for all of them.
  expect(streams).toHaveLength(1);

  const eleventh = await context.newPage();
  await eleventh.goto('/', { timeout: 5_000 });
  await expect(labels(eleventh)).toHaveText(['seen by every tab']);

  // The tab holding the stream closes: another takes it over and stays live.
  await tabs[0].close();
  await api.post('/api/v1/todos', { data: { title: 'after the handover' } });
  for (const tab of [...tabs.slice(1), eleventh]) {
    await expect(labels(tab)).toHaveText(['seen by every tab', 'after the handover']);
  }
  await api.dispose();
});

test('a tab that starts listening after a change was told catches up with it', async ({ page, context }) => {
  await signUp(page);
  await page.goto('/');
  await waitForHydration(page);
  // A second tab whose page is rendered now, but whose Wasm arrives only after the change: it
  // starts listening once the tab holding the stream has already passed the change on.
  const late = await context.newPage();
  let deliver!: () => void;
  const delivered = new Promise<void>((resolve) => (deliver = resolve));
  await late.route(/\.wasm$/, async (route) => {
    await delivered;
    await route.continue();
  });
  await late.goto('/', { waitUntil: 'domcontentloaded' });
  await expect(todoItems(late)).toHaveCount(0);

  await seed(page.request, 'made while it loaded');
  await expect(labels(page)).toHaveText(['made while it loaded']);
  deliver();
  await waitForHydration(late);
  await expect(labels(late)).toHaveText(['made while it loaded']);
});

test.describe('own servers', () => {
  // These specs start Tick processes of their own, beside the configured one.
  test.describe.configure({ timeout: 60_000 });

  test('a stream cut by a server restart resumes and catches up', async ({ browser }) => {
    const dir = dataDir();
    const env = { TICK_DATA_DIR: dir.path };
    let server = await startTick(3190, env);
    try {
      const context = await browser.newContext({ baseURL: server.url });
      const page = await context.newPage();
      const username = await signUp(page);
      await page.goto('/');
      await waitForHydration(page);
      await addTodos(page, 'before the restart');

      await server.stop();
      server = await startTick(3190, env);
      // A change made while the page was cut off arrives once the stream is back.
      const other = await browser.newContext({ baseURL: server.url });
      await logIn(other.request, username);
      const added = await other.request.post('/fn/todos/add', { form: { title: 'made during the outage' } });
      expect(added.ok()).toBeTruthy();
      await expect(labels(page)).toHaveText(['before the restart', 'made during the outage'], { timeout: 15_000 });
      await other.close();
      await context.close();
    } finally {
      await server.stop();
      dir.remove();
    }
  });

  test('on PostgreSQL, two browsers on two Tick processes see each other\'s changes', async ({ browser }) => {
    const database = postgresDatabase();
    const dirs = [dataDir(), dataDir()];
    const servers = await Promise.all(
      [3191, 3192].map((port, i) => startTick(port, { DATABASE_URL: database.url, TICK_DATA_DIR: dirs[i].path })),
    );
    try {
      const one = await browser.newContext({ baseURL: servers[0].url });
      const pageOne = await one.newPage();
      const username = await signUp(pageOne);
      await pageOne.goto('/');
      await waitForHydration(pageOne);
      const two = await secondBrowser(browser, username, servers[1].url);

      await addTodos(pageOne, 'through the first');
      await expect(labels(two.page)).toHaveText(['through the first']);
      await addTodos(two.page, 'through the second');
      await expect(labels(pageOne)).toHaveText(['through the first', 'through the second']);
      await todoItems(two.page).nth(0).locator('input.toggle').check();
      await expect(todoItems(pageOne).nth(0)).toHaveClass(/completed/);
      await one.close();
      await two.context.close();
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      dirs.forEach((dir) => dir.remove());
      database.drop();
    }
  });
});
