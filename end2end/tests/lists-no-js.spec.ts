import { expect, test, type Browser, type Page } from '@playwright/test';
import {
  collectProblems,
  createList,
  listMenu,
  secondBrowser,
  shareList,
  signUp,
  todoItems,
  todoTitles as labels,
} from './helpers';

// Lists and sharing with JavaScript off: the list menu, the settings page and every to-do
// action are plain HTML forms, each a post and a redirect that keeps to the list.

const menuLink = (page: Page, name: string) => listMenu(page).getByRole('link', { name, exact: true });

async function add(page: Page, title: string) {
  const input = page.getByPlaceholder('What needs to be done?');
  await input.fill(title);
  await input.press('Enter');
  await expect(todoItems(page).filter({ hasText: title.trim() }).first()).toBeVisible();
}

/**
 * What would show a broken page, as `collectProblems` records it, but for the script preloads
 * that Chromium refuses to fetch with JavaScript off (reported as blocked, `csp`).
 */
const realProblems = (problems: string[]) =>
  problems.filter((problem) => !/^failed: \S+\/pkg\/\S+\.js \(csp\)$/.test(problem));

/** Signs up another account in a browser of its own, closed again; returns its username. */
async function anotherUser(browser: Browser, baseURL: string | undefined) {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
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
  });

  test('a list made from the menu opens, the menu switches lists, and filters stay within the list', async ({ page }) => {
    const list = await createList(page, 'Groceries');
    await expect(page).toHaveTitle('Groceries · Tick');
    await expect(menuLink(page, 'Groceries')).toHaveAttribute('aria-current', 'page');
    await add(page, 'milk');
    await add(page, 'eggs');
    await expect(page).toHaveURL(new RegExp(`/lists/${list}$`));
    await page.getByRole('button', { name: 'Mark as complete: eggs' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}$`));
    await expect(todoItems(page).nth(1)).toHaveClass(/completed/);

    await page.getByRole('link', { name: 'Active' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/active$`));
    await expect(labels(page)).toHaveText(['milk']);
    await expect(page.getByRole('link', { name: 'Active' })).toHaveClass(/selected/);
    // A form post from a filtered view of the list comes back to it.
    await page.getByRole('button', { name: 'Mark as complete: milk' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/active$`));
    await expect(todoItems(page)).toHaveCount(0);
    await page.getByRole('link', { name: 'Completed' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/completed$`));
    await expect(labels(page)).toHaveText(['milk', 'eggs']);
    await page.getByRole('link', { name: 'All' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}$`));

    await menuLink(page, 'Inbox').click();
    await expect(page).toHaveURL(/\/$/);
    await expect(menuLink(page, 'Inbox')).toHaveAttribute('aria-current', 'page');
    await expect(todoItems(page)).toHaveCount(0);
    await add(page, 'in the Inbox');
    await expect(page).toHaveURL(/\/$/);
    await menuLink(page, 'Groceries').click();
    await expect(labels(page)).toHaveText(['milk', 'eggs']);
    await page.goto(`/lists/${list}/active`);
    await expect(todoItems(page)).toHaveCount(0);
    expect(realProblems(problems)).toEqual([]);
  });

  test('TodoMVC with forms inside a list', async ({ page }) => {
    const list = await createList(page, 'Chores');
    for (const title of ['sweep', 'dust', 'mop']) await add(page, title);

    await page.getByRole('link', { name: 'Edit: dust' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}\\?edit=\\d+$`));
    await page.locator('input.edit').fill('dust the shelves');
    await page.locator('input.edit').press('Enter');
    await expect(page).toHaveURL(new RegExp(`/lists/${list}$`));
    await expect(labels(page)).toHaveText(['sweep', 'dust the shelves', 'mop']);

    await page.getByRole('button', { name: 'Delete: mop' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}$`));
    await expect(labels(page)).toHaveText(['sweep', 'dust the shelves']);

    await page.getByRole('button', { name: 'Mark all as complete' }).click();
    await expect(todoItems(page)).toHaveClass([/completed/, /completed/]);
    await page.getByRole('button', { name: 'Mark as active: sweep' }).click();
    await page.getByRole('button', { name: 'Clear completed' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}$`));
    await expect(labels(page)).toHaveText(['sweep']);
    await page.goto('/');
    await expect(todoItems(page)).toHaveCount(0);
    expect(realProblems(problems)).toEqual([]);
  });

  test('renames a list, and deletes it after saying how many to-dos go', async ({ page }) => {
    const list = await createList(page, 'Old name');
    await add(page, 'only one');
    await page.getByRole('link', { name: 'Share & settings' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/settings$`));
    await page.getByLabel('List name', { exact: true }).fill('New name');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/settings\\?renamed=1$`));
    await expect(page.getByRole('status')).toHaveText('Renamed.');
    await expect(menuLink(page, 'New name')).toBeVisible();

    await page.getByRole('link', { name: 'Delete list…' }).click();
    await expect(page.getByRole('alert')).toContainText('Its 1 to-do and its attachments will be deleted too.');
    await page.getByRole('button', { name: 'Delete list and 1 to-do' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(listMenu(page).getByRole('link')).toHaveText(['Inbox']);
    expect(realProblems(problems)).toEqual([]);
  });

  test('an empty list name is refused with its reason', async ({ page }) => {
    await listMenu(page).getByLabel('New list name').fill('   ');
    await listMenu(page).getByRole('button', { name: 'Add list' }).click();
    await expect(listMenu(page).getByRole('alert')).toHaveText('Please give the list a name.');
    await expect(listMenu(page).getByRole('link')).toHaveText(['Inbox']);
  });
});

test.describe('two users', () => {
  test('shared as editor, the list shows in the member\'s menu and the member changes it', async ({ page, browser, baseURL }) => {
    const owner = await signUp(page);
    const member = await anotherUser(browser, baseURL);
    await page.goto('/');
    const list = await createList(page, 'Shared');
    await add(page, 'from the owner');
    await page.getByRole('link', { name: 'Share & settings' }).click();
    await page.getByLabel('Username', { exact: true }).fill(member);
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/settings$`));
    await expect(page.locator('li.member').filter({ hasText: member })).toContainText('Editor');

    const other = await secondBrowser(browser, member, baseURL, { javaScriptEnabled: false });
    const problems = collectProblems(other.page);
    await menuLink(other.page, `Shared by ${owner}`).click();
    await expect(other.page).toHaveURL(new RegExp(`/lists/${list}$`));
    await expect(other.page.getByText(`Shared by ${owner} · you are editor`)).toBeVisible();
    await expect(labels(other.page)).toHaveText(['from the owner']);
    await add(other.page, 'from the member');
    await other.page.getByRole('button', { name: 'Mark as complete: from the owner' }).click();
    await expect(todoItems(other.page).nth(0)).toHaveClass(/completed/);

    await page.goto(`/lists/${list}`);
    await expect(labels(page)).toHaveText(['from the owner', 'from the member']);
    await expect(todoItems(page).nth(0)).toHaveClass(/completed/);
    expect(realProblems(problems)).toEqual([]);
    await other.context.close();
  });

  test('a viewer sees the list, and the server refuses their changes', async ({ page, browser, baseURL }) => {
    const owner = await signUp(page);
    const viewer = await anotherUser(browser, baseURL);
    await page.goto('/');
    const list = await createList(page, 'Read me');
    await add(page, 'look');
    await shareList(page.request, list, viewer, 'viewer');

    const other = await secondBrowser(browser, viewer, baseURL, { javaScriptEnabled: false });
    const problems = collectProblems(other.page);
    await expect(menuLink(other.page, `Read me by ${owner}`)).toBeVisible();
    await other.page.goto(`/lists/${list}`);
    await expect(other.page.getByText(`Shared by ${owner} · you are viewer`)).toBeVisible();
    await expect(labels(other.page)).toHaveText(['look']);
    await expect(other.page.locator('main.todoapp')).toHaveClass(/\bread-only\b/);

    // Forms a viewer's page still holds are refused, with the reason, and change nothing.
    await other.page.getByRole('button', { name: 'Mark as complete: look' }).click();
    await expect(other.page.getByRole('alert')).toContainText('You can view this list but not change it.');
    await expect(todoItems(other.page).nth(0)).not.toHaveClass(/completed/);
    expect(realProblems(problems)).toEqual([]);
    const refused = await other.page.request.post('/fn/todos/add', { form: { list: String(list), title: 'sneaked in' } });
    expect(refused.status()).toBe(403);
    await page.goto(`/lists/${list}`);
    await expect(labels(page)).toHaveText(['look']);
    await expect(todoItems(page).nth(0)).not.toHaveClass(/completed/);
    await other.context.close();
  });

  test('a member leaves, and a removed member loses the list', async ({ page, browser, baseURL }) => {
    const owner = await signUp(page);
    const leaver = await anotherUser(browser, baseURL);
    const removed = await anotherUser(browser, baseURL);
    await page.goto('/');
    const list = await createList(page, 'Club');
    await shareList(page.request, list, leaver, 'editor');
    await shareList(page.request, list, removed, 'viewer');

    const one = await secondBrowser(browser, leaver, baseURL, { javaScriptEnabled: false, path: `/lists/${list}` });
    await one.page.getByRole('link', { name: 'Members' }).click();
    await expect(one.page.getByText(`Shared with you by ${owner}: you are editor.`)).toBeVisible();
    await one.page.getByRole('button', { name: 'Leave list' }).click();
    await expect(one.page).toHaveURL(/\/$/);
    await expect(listMenu(one.page).getByRole('link')).toHaveText(['Inbox']);

    await page.goto(`/lists/${list}/settings`);
    await expect(page.locator('li.member')).toHaveCount(2);
    await page.getByRole('button', { name: `Remove ${removed}` }).click();
    await expect(page).toHaveURL(new RegExp(`/lists/${list}/settings$`));
    await expect(page.locator('li.member')).toHaveCount(1);

    const two = await secondBrowser(browser, removed, baseURL, { javaScriptEnabled: false });
    await expect(listMenu(two.page).getByRole('link')).toHaveText(['Inbox']);
    const gone = await two.page.goto(`/lists/${list}`);
    expect(gone!.status()).toBe(404);
    await expect(two.page.getByRole('alert')).toHaveText('That list does not exist, or it is not shared with you.');
    await one.context.close();
    await two.context.close();
  });
});
