import { expect, type APIRequestContext, type Browser, type Locator, type Page } from '@playwright/test';

/** The password of every account the specs create. */
export const PASSWORD = 'correct horse battery staple';

let accounts = 0;
/** A username no other spec uses (at most 32 characters). */
export function uniqueUsername(): string {
  accounts += 1;
  return `e2e_${Date.now().toString(36)}_${accounts}_${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * Signs up a fresh account through the page's own request context, so the browser context
 * holds its session cookie: every spec starts logged in, on an empty list of its own.
 */
export async function signUp(page: Page): Promise<string> {
  const username = uniqueUsername();
  const res = await page.request.post('/fn/account/sign_up', { form: { username, password: PASSWORD } });
  expect(res.ok(), await res.text()).toBeTruthy();
  return username;
}

/** Logs `username` in within `request`'s context (a second browser, say). */
export async function logIn(request: APIRequestContext, username: string, password = PASSWORD) {
  const res = await request.post('/fn/account/log_in', { form: { username, password } });
  expect(res.ok(), await res.text()).toBeTruthy();
}

/** Empties the signed-in user's list through the app's own server functions. */
export async function resetList(request: APIRequestContext) {
  const all = await request.post('/fn/todos/set_all_completed', { form: { completed: 'true' } });
  expect(all.ok()).toBeTruthy();
  const clear = await request.post('/fn/todos/clear_completed');
  expect(clear.ok()).toBeTruthy();
}

/** Adds to-dos through the server, as another client would. */
export async function seed(request: APIRequestContext, ...titles: string[]) {
  for (const title of titles) {
    const res = await request.post('/fn/todos/add', { form: { title } });
    expect(res.ok()).toBeTruthy();
  }
}

/**
 * Starts recording what would show a broken page: console errors and warnings, uncaught
 * errors, responses of 400 and above, and failed requests. The list fills as the page runs.
 *
 * A request that the browser itself cancels because its page went away (the spec reloaded or
 * navigated: a favicon still loading, the live-update stream, a stream the page opened while
 * the next page was already loading) is not a failure of the page: it fails with
 * `net::ERR_ABORTED` while a new page is on its way, and is not kept once that page commits.
 */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  // Page loads of the main frame started, and documents it has committed to: a load that has
  // started and not yet committed is on its way. Each request remembers its document.
  let loadsStarted = 0;
  let documents = 0;
  const sentIn = new WeakMap<object, number>();
  // Aborts reported while a load was on its way, before its document committed.
  let abortedWhileLeaving: string[] = [];
  page.on('request', (req) => {
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) loadsStarted += 1;
    sentIn.set(req, documents);
  });
  page.on('framenavigated', (frame) => {
    // A same-document navigation (history.pushState) sends no request: no new document.
    if (frame !== page.mainFrame() || loadsStarted <= documents) return;
    documents = loadsStarted;
    for (const problem of abortedWhileLeaving) problems.splice(problems.indexOf(problem), 1);
    abortedWhileLeaving = [];
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') {
      problems.push(`${msg.type()}: ${msg.text()} (${msg.location().url})`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    const aborted = req.failure()?.errorText === 'net::ERR_ABORTED';
    // A request sent before recording began belongs to the document open then.
    if (aborted && (sentIn.get(req) ?? 0) < documents) return;
    const problem = `failed: ${req.url()} (${req.failure()?.errorText})`;
    problems.push(problem);
    if (aborted && loadsStarted > documents) abortedWhileLeaving.push(problem);
  });
  return problems;
}

/**
 * Waits until every island on the page runs in the browser: each marks its outer element
 * `data-hydrated="true"` once hydrated. A page without islands is ready once it has loaded.
 */
export async function waitForHydration(page: Page) {
  await page.waitForLoadState('load');
  await expect(page.locator('[data-hydrated="false"]')).toHaveCount(0);
}

export const todoItems = (page: Page): Locator => page.locator('ul.todo-list > li');
/** Each to-do's title (the row's first label: the paperclip is a label too). */
export const todoTitles = (page: Page): Locator => todoItems(page).locator('.view > label');

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
export const newTodo = (page: Page): Locator => page.getByPlaceholder('What needs to be done?');

export async function addTodos(page: Page, ...titles: string[]) {
  for (const title of titles) {
    await newTodo(page).fill(title);
    await newTodo(page).press('Enter');
    await expect(todoItems(page).filter({ hasText: title.trim() }).first()).toBeVisible();
  }
}

/**
 * A second browser (its own cookies and tabs) signed in as `username`, showing `path`. With
 * JavaScript off (`javaScriptEnabled: false`) nothing hydrates, so nothing is waited for.
 */
export async function secondBrowser(
  browser: Browser,
  username: string,
  baseURL: string | undefined,
  { path = '/', javaScriptEnabled = true }: { path?: string; javaScriptEnabled?: boolean } = {},
) {
  const context = await browser.newContext({ baseURL, javaScriptEnabled });
  await logIn(context.request, username);
  const page = await context.newPage();
  await page.goto(path);
  if (javaScriptEnabled) await waitForHydration(page);
  return { context, page };
}

/** The list menu beside every list page. */
export const listMenu = (page: Page): Locator => page.getByRole('navigation', { name: 'Lists' });

/**
 * Makes a list with the list menu's form (a plain form, with or without JavaScript) and
 * returns its id: the page ends on the new list.
 */
export async function createList(page: Page, name: string): Promise<number> {
  await listMenu(page).getByLabel('New list name').fill(name);
  await listMenu(page).getByRole('button', { name: 'Add list' }).click();
  await expect(page).toHaveURL(/\/lists\/\d+$/);
  await expect(page.getByRole('heading', { name: name.trim(), exact: true })).toBeVisible();
  return Number(new URL(page.url()).pathname.split('/')[2]);
}

/** Shares list `list` with `username` through the app's server function, as its owner. */
export async function shareList(
  request: APIRequestContext,
  list: number,
  username: string,
  role: 'editor' | 'viewer',
) {
  const res = await request.post('/fn/lists/share', { form: { list: String(list), username, role } });
  expect(res.ok(), await res.text()).toBeTruthy();
}
