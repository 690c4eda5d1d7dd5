import { expect, test, type Page } from '@playwright/test';
import {
  addTodos,
  collectProblems,
  logIn,
  PASSWORD,
  signUp,
  todoItems,
  uniqueUsername,
  waitForHydration,
} from './helpers';

// Accounts with JavaScript on. The account pages are server-rendered forms with no islands,
// so they behave as without JavaScript (accounts-no-js.spec.ts): each form posts, and the
// server sends the browser on, or back with the refusal.

async function fillCredentials(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
}

test('a visitor is sent to log in, signs up and lands on an empty list', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page).toHaveURL(/\/signup$/);

  const username = uniqueUsername();
  await waitForHydration(page);
  await fillCredentials(page, username, PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/$/);
  await waitForHydration(page);
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText(`Signed in as ${username}`);
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await expect(todoItems(page)).toHaveCount(0);
});

test('sign-up explains a taken username and a weak password', async ({ page, browser }) => {
  const taken = await signUp(page);
  const other = await browser.newContext();
  const visitor = await other.newPage();
  await visitor.goto('/signup');
  await waitForHydration(visitor);
  await fillCredentials(visitor, taken.toUpperCase(), PASSWORD);
  await visitor.getByRole('button', { name: 'Sign up' }).click();
  await expect(visitor.getByRole('alert')).toHaveText('That username is taken. Please choose another.');

  await fillCredentials(visitor, uniqueUsername(), 'short');
  await visitor.getByRole('button', { name: 'Sign up' }).click();
  await expect(visitor.getByRole('alert')).toHaveText('The password is too short: use at least 8 characters.');

  await fillCredentials(visitor, uniqueUsername(), 'password123');
  await visitor.getByRole('button', { name: 'Sign up' }).click();
  await expect(visitor.getByRole('alert')).toContainText('most common');
  // Still on the sign-up page, whose address carries only the latest refusal.
  await expect(visitor).toHaveURL(/\/signup\?/);
  expect(new URL(visitor.url()).searchParams.getAll('__err')).toHaveLength(1);
  await other.close();
});

test('log out, a wrong password, then log in again', async ({ page }) => {
  const username = await signUp(page);
  await page.goto('/');
  await waitForHydration(page);
  await addTodos(page, 'still here after log-in');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await waitForHydration(page);

  await fillCredentials(page, username, 'not my password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await fillCredentials(page, 'nobody_at_all', PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');

  await fillCredentials(page, username, PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(todoItems(page).locator('.view > label')).toHaveText(['still here after log-in']);
});

test('changing the password logs out the other sessions', async ({ page, browser }) => {
  const username = await signUp(page);
  const other = await browser.newContext();
  await logIn(other.request, username);
  const second = await other.newPage();
  await second.goto('/');
  await expect(second.getByRole('button', { name: 'Log out' })).toBeVisible();

  await page.goto('/');
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await waitForHydration(page);
  await page.getByLabel('Current password').fill('wrong password');
  await page.getByLabel('New password').fill('a brand new phrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText('That is not your current password.');

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password').fill('a brand new phrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Password changed');
  await expect(page.getByLabel('New password')).toHaveValue('');

  // This browser stays signed in; the other one is logged out.
  await page.goto('/');
  await expect(page).toHaveURL(/\/$/);
  await second.reload();
  await expect(second).toHaveURL(/\/login$/);
  await waitForHydration(second);
  await fillCredentials(second, username, 'a brand new phrase');
  await second.getByRole('button', { name: 'Log in' }).click();
  await expect(second).toHaveURL(/\/$/);
  await other.close();
});

test('deleting the account removes it and its to-dos', async ({ page }) => {
  const username = await signUp(page);
  await page.goto('/');
  await waitForHydration(page);
  await addTodos(page, 'goes with the account');
  await page.goto('/settings');
  await waitForHydration(page);
  await page.getByLabel('Password', { exact: true }).fill('wrong password');
  await page.getByRole('button', { name: 'Delete account' }).click();
  await expect(page.getByRole('alert')).toHaveText('That is not your current password.');

  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Delete account' }).click();
  await expect(page).toHaveURL(/\/signup\?account=deleted$/);
  await expect(page.getByRole('status')).toContainText('deleted');

  await page.goto('/login');
  await waitForHydration(page);
  await fillCredentials(page, username, PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
});

test('two users never see each other’s to-dos', async ({ page, browser }) => {
  await signUp(page);
  await page.goto('/');
  await waitForHydration(page);
  await addTodos(page, 'private to the first user');

  const other = await browser.newContext();
  const second = await other.newPage();
  await signUp(second);
  await second.goto('/');
  await expect(second.locator('main.todoapp')).toBeVisible();
  await expect(todoItems(second)).toHaveCount(0);
  await expect(second.getByText('private to the first user')).toHaveCount(0);
  await other.close();
});

test('account pages work under the Content-Security-Policy with no errors', async ({ page }) => {
  const problems = collectProblems(page);

  const login = await page.goto('/login');
  expect(login!.headers()['content-security-policy']).toContain("'nonce-");
  // No islands here: nothing to hydrate, and no Wasm to load for it.
  await expect(page.locator('leptos-island')).toHaveCount(0);
  await fillCredentials(page, uniqueUsername(), 'whatever it is');
  await page.getByRole('button', { name: 'Log in' }).click();
  // The server sent the browser back to the form with the refusal.
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL(/\/login\?/);
  await expect(page.getByLabel('Username')).toBeFocused();

  await signUp(page);
  const settings = await page.goto('/settings');
  expect(settings!.headers()['cache-control']).toBe('no-store');
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await page.getByRole('link', { name: '← Back to your to-dos' }).click();
  await waitForHydration(page);
  expect(problems).toEqual([]);
});

test('on a phone the account bar keeps one line, the longest name giving way', async ({ page }) => {
  // The longest username there can be.
  const username = `p${Date.now().toString(36)}`.padEnd(32, 'x');
  const res = await page.request.post('/fn/account/sign_up', { form: { username, password: PASSWORD } });
  expect(res.ok(), await res.text()).toBeTruthy();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  const bar = page.getByRole('navigation', { name: 'Account' });
  // Cut short on screen, whole for assistive technology.
  await expect(bar).toContainText(`Signed in as ${username}`);
  const name = (await bar.getByText('Signed in as').boundingBox())!;
  const settings = (await bar.getByRole('link', { name: 'Settings' }).boundingBox())!;
  const logOut = (await bar.getByRole('button', { name: 'Log out' }).boundingBox())!;
  const middle = (box: { y: number; height: number }) => box.y + box.height / 2;
  expect(Math.abs(middle(logOut) - middle(name))).toBeLessThan(4);
  expect(Math.abs(middle(settings) - middle(name))).toBeLessThan(4);
  expect(logOut.x + logOut.width).toBeLessThanOrEqual(390);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
