import { expect, test } from '@playwright/test';
import { signUp, waitForHydration } from './helpers';

// The API token settings: create (shown once, copyable), list, use, revoke.

test.beforeEach(async ({ page }) => {
  await signUp(page);
  await page.goto('/settings');
  await waitForHydration(page);
});

test('a new token is shown once, copies, works with the API, and can be revoked', async ({ page, context, playwright, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const tokens = page.getByRole('region', { name: 'API tokens' });
  await expect(tokens.getByText('You have no tokens yet.')).toBeVisible();

  await tokens.getByLabel('Token name').fill('My script');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const secret = (await tokens.locator('code.token-secret').textContent())!;
  expect(secret).toMatch(/^tick_[0-9a-f]{64}$/);
  await expect(tokens.getByRole('status')).toContainText('it will not be shown again');
  await expect(tokens.getByLabel('Token name')).toHaveValue('');

  await tokens.getByRole('button', { name: 'Copy' }).click();
  await expect(tokens.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  const row = tokens.getByRole('row', { name: /My script/ });
  await expect(row).toContainText('Never');
  await expect(row).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);

  // A program with only the token (no cookies) uses the API.
  const program = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
  const created = await program.post('/api/v1/todos', { data: { title: 'from a script' } });
  expect(created.status()).toBe(201);

  // The secret is never shown again; the list now says when the token was last used.
  await page.reload();
  await waitForHydration(page);
  await expect(page.locator('code.token-secret')).toHaveCount(0);
  await expect(tokens.getByRole('row', { name: /My script/ })).not.toContainText('Never');
  await page.goto('/');
  await expect(page.locator('ul.todo-list .view > label')).toHaveText(['from a script']);

  await page.goto('/settings');
  await waitForHydration(page);
  await tokens.getByRole('button', { name: 'Revoke My script' }).click();
  await expect(tokens.getByRole('row', { name: /My script/ })).toHaveCount(0);
  await expect(tokens.getByText('You have no tokens yet.')).toBeVisible();
  const refused = await program.get('/api/v1/todos');
  expect(refused.status()).toBe(401);
  await program.dispose();
});

test('a token needs a name', async ({ page }) => {
  const tokens = page.getByRole('region', { name: 'API tokens' });
  await tokens.getByLabel('Token name').fill('   ');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  await expect(tokens.getByRole('alert')).toHaveText('Please give the token a name, such as the program that will use it.');
  await expect(tokens.getByRole('row')).toHaveCount(0);
});

test('the settings page links to the API documentation', async ({ page }) => {
  await page.getByRole('link', { name: 'How to use the API' }).click();
  await expect(page).toHaveURL(/\/docs\/api$/);
  await expect(page.getByRole('heading', { name: "Tick's JSON API" })).toBeVisible();
  await expect(page.getByText('Authorization: Bearer tick_…').first()).toBeVisible();
  await expect(page.locator('pre code').last()).toContainText('curl -s -X POST "$TICK/api/v1/todos"');
  const doc = await page.request.get('/api/v1/openapi.json');
  expect((await doc.json()).openapi).toMatch(/^3\.1/);
});
