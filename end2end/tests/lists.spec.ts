import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  addTodos,
  collectProblems,
  createList,
  listMenu,
  secondBrowser,
  shareList,
  signUp,
  todoItems,
  todoTitles as labels,
  waitForHydration,
} from './helpers';

// Lists and sharing with JavaScript on. The list menu and a list's settings page are plain
// forms (no island); a list's page is the to-do island acting on that list, live for every
// member. The same without JavaScript: lists-no-js.spec.ts.

/** A list's link in the menu; a shared list's name is followed by "by <owner>". */
const menuLink = (page: Page, name: string | RegExp) =>
  listMenu(page).getByRole('link', { name, exact: typeof name === 'string' });

/**
 * A page told its list is gone closes the list's event stream itself: the browser reports that
 * request as aborted, which is no fault of the page.
 */
const besidesClosedStream = (problems: string[], list: number) =>
  problems.filter(
    (problem) => !new RegExp(`^failed: \\S+/events\\?list=${list}&\\S* \\(net::ERR_ABORTED\\)$`).test(problem),
  );

/** From a list's page, its settings page (the owner's "Share & settings"). */
async function openSettings(page: Page, list: number) {
  await page.getByRole('link', { name: 'Share & settings' }).click();
  await expect(page).toHaveURL(new RegExp(`/lists/${list}/settings$`));
}

/** Shares the list whose settings page is open, with the settings page's form. */
async function shareFromSettings(page: Page, username: string, role: 'editor' | 'viewer') {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const member = page.locator('li.member').filter({ hasText: username });
  await expect(member).toContainText(role === 'editor' ? 'Editor' : 'Viewer');
}

/** Signs up another account in a browser of its own, closed again; returns its username. */
async function anotherUser(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL });
  const username = await signUp(await context.newPage());
  await context.close();
  return username;
}

test.describe('one user', () => {
  let problems: string[];

  test.beforeEach(async ({ page }) => {
    await signUp(page);
    problems = collectProblems(page);
    await page.goto('/');
    await waitForHydration(page);
  });

  test('a list made from the menu opens, and the menu switches between lists', async ({ page }) => {
    await expect(menuLink(page, 'Inbox')).toHaveAttribute('aria-current', 'page');
    const groceries = await createList(page, '  Groceries  ');
    await waitForHydration(page);
    await expect(page).toHaveTitle('Groceries · Tick');
    await expect(menuLink(page, 'Groceries')).toHaveAttribute('aria-current', 'page');
    await expect(menuLink(page, 'Groceries')).toHaveAttribute('href', `/lists/${groceries}`);
    await expect(menuLink(page, 'Inbox')).not.toHaveAttribute('aria-current', 'page');
    await expect(todoItems(page)).toHaveCount(0);
    await addTodos(page, 'milk', 'eggs');

    await menuLink(page, 'Inbox').click();
    await expect(page).toHaveURL(/\/$/);
    await waitForHydration(page);
    await expect(page.getByRole('heading', { name: 'Inbox', exact: true })).toBeVisible();
    await expect(todoItems(page)).toHaveCount(0);
    await addTodos(page, 'in the Inbox');

    await menuLink(page, 'Groceries').click();
    await expect(page).toHaveURL(new RegExp(`/lists/${groceries}$`));
    await waitForHydration(page);
    await expect(labels(page)).toHaveText(['milk', 'eggs']);
    // A second list: the menu holds all three, the Inbox first.
    const hardware = await createList(page, 'Hardware');
    await expect(listMenu(page).getByRole('link')).toHaveText(['Inbox', 'Groceries', 'Hardware']);
    await menuLink(page, 'Inbox').click();
    await expect(labels(page)).toHaveText(['in the Inbox']);
    await page.goto(`/lists/${hardware}`);
    await expect(todoItems(page)).toHaveCount(0);
    expect(problems).toEqual([]);
  });

  test('filters stay within the list, in place and by address', async ({ page }) => {
    const list = await createList(page, 'Errands');
    await waitForHydration(page);
    await addTodos(page, 'open', 'done');
    await todoItems(page).nth(1).locator('input.toggle').check();
    await expect(todoItems(page).nth(1)).toHaveClass(/completed/);

    const filters = page.locator('ul.filters');
    await expect(filters.getByRole('link', { name: 'All' })).toHaveAttribute('href', `/lists/${list}`);
    await expect(filters.getByRole('link', { name: 'Active' })).toHaveAttribute('href', `/lists/${list}/active`);
    await expect(filters.getByRole('link', { name: 'Completed' })).toHaveAttribute('href', `/lists/${list}/completed`);

    await page.getByRole('link', { name: 'Active' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/active$`));
    await expect(page).toHaveTitle('Active · Errands · Tick');
    await expect(labels(page)).toHaveText(['open']);
    await page.getByRole('link', { name: 'Completed' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/completed$`));
    await expect(labels(page)).toHaveText(['done']);
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/active$`));
    await expect(labels(page)).toHaveText(['open']);

    // Loaded by address, each filter shows the list's own to-dos, its filter selected.
    await page.goto(`/lists/${list}/active`);
    await waitForHydration(page);
    await expect(labels(page)).toHaveText(['open']);
    await expect(page.getByRole('link', { name: 'Active' })).toHaveAttribute('aria-current', 'page');
    await expect(menuLink(page, 'Errands')).toHaveAttribute('aria-current', 'page');
    await page.goto(`/lists/${list}/completed`);
    await waitForHydration(page);
    await expect(labels(page)).toHaveText(['done']);
    await page.getByRole('link', { name: 'All' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}$`));
    await expect(labels(page)).toHaveText(['open', 'done']);
    // The Inbox's filters are its own.
    await page.goto('/completed');
    await expect(todoItems(page)).toHaveCount(0);
    expect(problems).toEqual([]);
  });

  test('TodoMVC works inside a list, and leaves the Inbox alone', async ({ page }) => {
    const list = await createList(page, 'Chores');
    await waitForHydration(page);
    await addTodos(page, 'sweep', 'dust', 'mop', 'wash');
    await todoItems(page).nth(0).locator('input.toggle').check();
    await expect(page.locator('span.todo-count')).toHaveText('3 items left');

    const dust = todoItems(page).nth(1);
    await dust.locator('.view > label').dblclick();
    await dust.getByLabel('Edit the to-do').fill('dust the shelves');
    await dust.getByLabel('Edit the to-do').press('Enter');
    await expect(labels(page)).toHaveText(['sweep', 'dust the shelves', 'mop', 'wash']);

    await todoItems(page).nth(2).hover();
    await page.getByRole('button', { name: 'Delete: mop' }).click();
    await expect(labels(page)).toHaveText(['sweep', 'dust the shelves', 'wash']);

    await page.getByLabel('Mark all as complete').check();
    await expect(todoItems(page)).toHaveClass([/completed/, /completed/, /completed/]);
    await page.getByLabel('Mark all as complete').uncheck();
    await todoItems(page).nth(2).locator('input.toggle').check();
    await page.getByRole('button', { name: 'Clear completed' }).click();
    await expect(labels(page)).toHaveText(['sweep', 'dust the shelves']);
    await expect(page.getByRole('button', { name: 'Clear completed' })).toHaveCount(0);

    await page.reload();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}$`));
    await expect(labels(page)).toHaveText(['sweep', 'dust the shelves']);
    await page.goto('/');
    await expect(todoItems(page)).toHaveCount(0);
    expect(problems).toEqual([]);
  });

  test('renames a list, and deletes it after saying how many to-dos go', async ({ page }) => {
    const list = await createList(page, 'Old name');
    await waitForHydration(page);
    await addTodos(page, 'one', 'two');
    await openSettings(page, list);
    await expect(page).toHaveTitle('Old name · Settings · Tick');

    await page.getByLabel('List name', { exact: true }).fill('  New name ');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByRole('status')).toHaveText('Renamed.');
    await expect(page.getByRole('heading', { name: 'New name', level: 1 })).toBeVisible();
    await expect(menuLink(page, 'New name')).toBeVisible();
    await expect(menuLink(page, 'Old name')).toHaveCount(0);
    await page.getByRole('link', { name: '← Back to the list' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}$`));
    await expect(page).toHaveTitle('New name · Tick');
    await expect(labels(page)).toHaveText(['one', 'two']);

    await openSettings(page, list);
    await page.getByRole('link', { name: 'Delete list…' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/settings\\?confirm=delete$`));
    await expect(page.getByRole('alert')).toContainText('Delete “New name”?');
    await expect(page.getByRole('alert')).toContainText('Its 2 to-dos and their attachments will be deleted too.');
    // Cancel keeps it.
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/settings$`));
    await page.getByRole('link', { name: 'Delete list…' }).click();
    await page.getByRole('button', { name: 'Delete list and 2 to-dos' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(menuLink(page, 'New name')).toHaveCount(0);
    await expect(listMenu(page).getByRole('link')).toHaveText(['Inbox']);
    expect(problems).toEqual([]);

    // Its address is gone with it.
    const gone = await page.goto(`/lists/${list}`);
    expect(gone!.status()).toBe(404);
    await expect(page.getByRole('alert')).toHaveText('That list does not exist, or it is not shared with you.');
  });

  test('the Inbox has settings but cannot be deleted', async ({ page }) => {
    await page.getByRole('link', { name: 'Share & settings' }).click();
    await expect(page).toHaveURL(/\/lists\/\d+\/settings$/);
    await expect(page.getByRole('heading', { name: 'Delete list' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Delete list…' })).toHaveCount(0);
    expect(problems).toEqual([]);
  });
});

test.describe('two users', () => {
  test('sharing as editor: the list shows in the member\'s menu, and both see each other\'s changes live', async ({ page, browser, baseURL }) => {
    const owner = await signUp(page);
    const member = await anotherUser(browser, baseURL);
    const problems = collectProblems(page);
    await page.goto('/');
    const list = await createList(page, 'Shared groceries');
    await waitForHydration(page);
    await addTodos(page, 'bread');
    await openSettings(page, list);
    await shareFromSettings(page, member, 'editor');
    await page.getByRole('link', { name: '← Back to the list' }).click();
    await waitForHydration(page);

    const other = await secondBrowser(browser, member, baseURL);
    const otherProblems = collectProblems(other.page);
    const link = menuLink(other.page, `Shared groceries by ${owner}`);
    await expect(link).toBeVisible();
    await link.click();
    await expect(other.page).toHaveURL(new RegExp(`/lists/${list}$`));
    await waitForHydration(other.page);
    await expect(other.page.getByText(`Shared by ${owner} · you are editor`)).toBeVisible();
    await expect(other.page.getByRole('link', { name: 'Members' })).toBeVisible();
    await expect(link).toHaveAttribute('aria-current', 'page');
    await expect(labels(other.page)).toHaveText(['bread']);

    // Each sees the other's changes without reloading.
    await addTodos(page, 'from the owner');
    await expect(labels(other.page)).toHaveText(['bread', 'from the owner']);
    await addTodos(other.page, 'from the member');
    await expect(labels(page)).toHaveText(['bread', 'from the owner', 'from the member']);
    await todoItems(other.page).nth(0).locator('input.toggle').check();
    await expect(todoItems(page).nth(0)).toHaveClass(/completed/);
    await todoItems(page).nth(1).locator('.view > label').dblclick();
    await todoItems(page).nth(1).getByLabel('Edit the to-do').fill('renamed by the owner');
    await todoItems(page).nth(1).getByLabel('Edit the to-do').press('Enter');
    await expect(labels(other.page)).toHaveText(['bread', 'renamed by the owner', 'from the member']);
    await other.page.getByRole('button', { name: 'Clear completed' }).click();
    await expect(labels(page)).toHaveText(['renamed by the owner', 'from the member']);
    await todoItems(page).nth(1).hover();
    await page.getByRole('button', { name: 'Delete: from the member' }).click();
    await expect(labels(other.page)).toHaveText(['renamed by the owner']);

    // Neither's Inbox saw any of it.
    await other.page.goto('/');
    await expect(todoItems(other.page)).toHaveCount(0);
    expect(problems).toEqual([]);
    expect(otherProblems).toEqual([]);
    await other.context.close();
  });

  test('a viewer sees the list but can change nothing, until made an editor', async ({ page, browser, baseURL }) => {
    const owner = await signUp(page);
    const viewer = await anotherUser(browser, baseURL);
    await page.goto('/');
    const list = await createList(page, 'Read me');
    await waitForHydration(page);
    await addTodos(page, 'look', 'but do not touch');
    await todoItems(page).nth(1).locator('input.toggle').check();
    await expect(todoItems(page).nth(1)).toHaveClass(/completed/);
    await openSettings(page, list);
    await shareFromSettings(page, viewer, 'viewer');

    const other = await secondBrowser(browser, viewer, baseURL, { path: `/lists/${list}` });
    const problems = collectProblems(other.page);
    const { page: viewerPage } = other;
    await expect(viewerPage.getByText(`Shared by ${owner} · you are viewer`)).toBeVisible();
    await expect(menuLink(viewerPage, `Read me by ${owner}`)).toHaveAttribute('aria-current', 'page');
    await expect(labels(viewerPage)).toHaveText(['look', 'but do not touch']);
    await expect(viewerPage.locator('main.todoapp')).toHaveClass(/\bread-only\b/);
    await expect(todoItems(viewerPage).locator('input.toggle')).toHaveCount(2);
    for (const toggle of await todoItems(viewerPage).locator('input.toggle').all()) {
      await expect(toggle).toBeDisabled();
    }
    await expect(viewerPage.locator('input.toggle-all')).toBeDisabled();
    // Double-clicking opens no editor.
    await labels(viewerPage).nth(0).dblclick();
    await expect(todoItems(viewerPage).nth(0)).not.toHaveClass(/editing/);
    await expect(viewerPage.getByLabel('Edit the to-do')).toHaveCount(0);
    // The settings page lists the members, and offers no owner's controls.
    await viewerPage.getByRole('link', { name: 'Members' }).click();
    await expect(viewerPage.getByText(`Shared with you by ${owner}: you are viewer.`)).toBeVisible();
    await expect(viewerPage.getByRole('button', { name: 'Rename' })).toHaveCount(0);
    await expect(viewerPage.getByRole('button', { name: 'Share', exact: true })).toHaveCount(0);
    await expect(viewerPage.getByRole('button', { name: /^Remove / })).toHaveCount(0);
    await expect(viewerPage.getByRole('link', { name: 'Delete list…' })).toHaveCount(0);
    expect(problems).toEqual([]);

    // The server refuses a viewer's write made from their page, whatever the page shows.
    await viewerPage.goto(`/lists/${list}`);
    await waitForHydration(viewerPage);
    const refused = await viewerPage.evaluate(async (list) => {
      const res = await fetch('/fn/todos/add', {
        method: 'POST',
        body: new URLSearchParams({ list: String(list), title: 'sneaked in' }),
      });
      return { status: res.status, body: await res.text() };
    }, list);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('You can view this list but not change it.');
    await page.goto(`/lists/${list}`);
    await expect(labels(page)).toHaveText(['look', 'but do not touch']);

    // Made an editor, the member may change it.
    await page.goto(`/lists/${list}/settings`);
    await page.getByRole('button', { name: `Make ${viewer} editor` }).click();
    await expect(page.locator('li.member').filter({ hasText: viewer })).toContainText('Editor');
    await expect(page.getByRole('button', { name: `Make ${viewer} viewer` })).toBeVisible();
    await viewerPage.reload();
    await waitForHydration(viewerPage);
    await expect(viewerPage.getByText(`Shared by ${owner} · you are editor`)).toBeVisible();
    await expect(viewerPage.locator('main.todoapp')).not.toHaveClass(/\bread-only\b/);
    await todoItems(viewerPage).nth(0).locator('input.toggle').check();
    await expect(todoItems(viewerPage).nth(0)).toHaveClass(/completed/);
    await other.context.close();
  });

  test('a member leaves a list: it is gone from their menu, and from its members', async ({ page, browser, baseURL }) => {
    const owner = await signUp(page);
    const member = await anotherUser(browser, baseURL);
    await page.goto('/');
    const list = await createList(page, 'Book club');
    await shareList(page.request, list, member, 'editor');

    const other = await secondBrowser(browser, member, baseURL, { path: `/lists/${list}` });
    const problems = collectProblems(other.page);
    await other.page.getByRole('link', { name: 'Members' }).click();
    await expect(other.page).toHaveURL(new RegExp(`/lists/${list}/settings$`));
    await expect(other.page.locator('li.member')).toHaveText([
      new RegExp(`${owner}\\s*Owner`),
      new RegExp(`${member}\\s*Editor`),
    ]);
    await other.page.getByRole('button', { name: 'Leave list' }).click();
    await expect(other.page).toHaveURL(/\/$/);
    await expect(menuLink(other.page, `Book club by ${owner}`)).toHaveCount(0);
    await expect(listMenu(other.page).getByRole('link')).toHaveText(['Inbox']);
    expect(problems).toEqual([]);

    await page.goto(`/lists/${list}/settings`);
    await expect(page.locator('li.member')).toHaveCount(1);
    await expect(page.getByText(member)).toHaveCount(0);
    // The former member's address for it no longer opens.
    const closed = await other.page.goto(`/lists/${list}`);
    expect(closed!.status()).toBe(404);
    await other.context.close();
  });

  test('a member removed by the owner is told on the open page, and can change nothing more', async ({ page, browser, baseURL }) => {
    const member = await anotherUser(browser, baseURL);
    await signUp(page);
    await page.goto('/');
    const list = await createList(page, 'Short-lived share');
    await waitForHydration(page);
    await addTodos(page, 'still here');
    await shareList(page.request, list, member, 'editor');

    const other = await secondBrowser(browser, member, baseURL, { path: `/lists/${list}` });
    const problems = collectProblems(other.page);
    await expect(labels(other.page)).toHaveText(['still here']);
    // The member's page is live.
    await addTodos(page, 'seen before');
    await expect(labels(other.page)).toHaveText(['still here', 'seen before']);

    await page.goto(`/lists/${list}/settings`);
    await page.getByRole('button', { name: `Remove ${member}` }).click();
    await expect(page.locator('li.member')).toHaveCount(1);
    await expect(other.page.getByRole('alert')).toHaveText(/This list is no longer shared with you\./);
    await expect(todoItems(other.page).nth(0).locator('input.toggle')).toBeDisabled();
    await expect(other.page.locator('main.todoapp')).toHaveClass(/\bread-only\b/);
    expect(besidesClosedStream(problems, list)).toEqual([]);

    // On the next load the list is gone from the member's menu.
    await other.page.goto('/');
    await expect(listMenu(other.page).getByRole('link')).toHaveText(['Inbox']);
    await other.context.close();
  });

  test('a list deleted by its owner is reported on a member\'s open page', async ({ page, browser, baseURL }) => {
    const member = await anotherUser(browser, baseURL);
    await signUp(page);
    await page.goto('/');
    const list = await createList(page, 'Doomed');
    await shareList(page.request, list, member, 'viewer');
    const other = await secondBrowser(browser, member, baseURL, { path: `/lists/${list}` });
    const problems = collectProblems(other.page);

    await page.goto(`/lists/${list}/settings?confirm=delete`);
    await page.getByRole('button', { name: 'Delete list and 0 to-dos' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(other.page.getByRole('alert')).toHaveText(/This list is no longer shared with you\./);
    expect(besidesClosedStream(problems, list)).toEqual([]);
    await other.context.close();
  });
});
