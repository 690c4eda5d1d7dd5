import { expect, test } from '@playwright/test';
import { seed, signUp, todoItems } from './helpers';

// Live sync with JavaScript off: nothing streams and nothing changes under the reader; every
// page is current when it loads.

test('a page without JavaScript opens no stream, and shows changes made elsewhere when loaded', async ({ page }) => {
  await signUp(page);
  const streams: string[] = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/events') streams.push(req.url());
  });
  await page.goto('/');
  await seed(page.request, 'made elsewhere');
  await page.waitForTimeout(500);
  await expect(todoItems(page)).toHaveCount(0);
  await page.reload();
  await expect(todoItems(page).locator('.view > label')).toHaveText(['made elsewhere']);
  expect(streams).toEqual([]);
});
