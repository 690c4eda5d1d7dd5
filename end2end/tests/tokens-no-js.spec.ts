import { expect, test } from '@playwright/test';
import { signUp } from './helpers';

// API tokens with JavaScript off: plain form posts; a new token is shown once after the redirect.

test('create and revoke a token with plain forms', async ({ page }) => {
  await signUp(page);
  await page.goto('/settings');
  const tokens = page.getByRole('region', { name: 'API tokens' });
  await tokens.getByLabel('Token name').fill('cron job');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  await expect(page).toHaveURL(/\/settings#tokens$/);
  const secret = (await tokens.locator('code.token-secret').textContent())!;
  expect(secret).toMatch(/^tick_[0-9a-f]{64}$/);
  // Copying needs JavaScript: the button says so by being disabled.
  await expect(tokens.getByRole('button', { name: 'Copy' })).toBeDisabled();
  const api = await page.request.get('/api/v1/todos', { headers: { Authorization: `Bearer ${secret}` } });
  expect(api.status()).toBe(200);

  await page.reload();
  await expect(tokens.locator('code.token-secret')).toHaveCount(0);
  await tokens.getByRole('button', { name: 'Revoke cron job' }).click();
  await expect(tokens.getByText('You have no tokens yet.')).toBeVisible();
});
