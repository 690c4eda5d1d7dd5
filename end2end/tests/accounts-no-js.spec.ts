import { expect, test, type Page } from '@playwright/test';
import { logIn, PASSWORD, signUp, todoItems, uniqueUsername } from './helpers';

// Accounts with JavaScript off: plain form posts and server redirects.

async function fillCredentials(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
}

test('sign up, log out and log in with plain forms', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  const username = uniqueUsername();
  await fillCredentials(page, username, 'short');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('alert')).toHaveText('The password is too short: use at least 8 characters.');

  await fillCredentials(page, username, PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Account' })).toContainText(`Signed in as ${username}`);
  await expect(todoItems(page)).toHaveCount(0);

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/completed');
  await expect(page).toHaveURL(/\/login$/);

  await fillCredentials(page, username, 'wrong password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await fillCredentials(page, username, PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
});

test('change password with a plain form ends the other sessions', async ({ page, browser }) => {
  const username = await signUp(page);
  const other = await browser.newContext({ javaScriptEnabled: false });
  await logIn(other.request, username);
  const second = await other.newPage();

  await page.goto('/settings');
  await page.getByLabel('Current password').fill('wrong password');
  await page.getByLabel('New password').fill('another fine phrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText('That is not your current password.');

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password').fill('another fine phrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/settings\?password=changed$/);
  await expect(page.getByRole('status')).toContainText('Password changed');

  await second.goto('/');
  await expect(second).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/$/);
  await other.close();
});

test('delete account with a plain form', async ({ page }) => {
  const username = await signUp(page);
  await page.goto('/settings');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Delete account' }).click();
  await expect(page).toHaveURL(/\/signup\?account=deleted$/);
  await expect(page.getByRole('status')).toContainText('deleted');
  await page.goto('/login');
  await fillCredentials(page, username, PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
});
