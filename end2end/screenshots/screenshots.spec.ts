import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { PASSWORD, seed, todoItems, waitForHydration } from '../tests/helpers';

// Writes docs/screenshots/todos-{390,1100}-{light,dark}.png: one account with a few to-dos
// (one done, one with attachments), seen on a phone and on a desktop, light and dark.
// The server starts on an empty database each run, so the pictures come out the same.

const OUT = resolve(__dirname, '..', '..', 'docs', 'screenshots');

const SCREENS = [
  // A phone: touch, no hover, so the row buttons show as they do there.
  { width: 390, height: 844, isMobile: true, hasTouch: true },
  { width: 1100, height: 760, isMobile: false, hasTouch: false },
];

const row = (page: Page, title: string) => todoItems(page).filter({ hasText: title });

/** A small picture of a receipt, drawn in the page, for the attachment preview. */
async function receiptPng(page: Page): Promise<Buffer> {
  const url = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 80;
    canvas.height = 80;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#e9efe6';
    g.fillRect(0, 0, 80, 80);
    g.fillStyle = '#ffffff';
    g.fillRect(18, 8, 44, 64);
    g.fillStyle = '#9aa39d';
    for (let y = 18; y < 50; y += 8) g.fillRect(24, y, 20 + ((y * 7) % 12), 3);
    g.fillStyle = '#2f6f4e';
    g.fillRect(24, 56, 32, 5);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(url.split(',')[1], 'base64');
}

/** Signs up the account and fills its list; returns its signed-in state. */
async function prepare(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const signUp = await page.request.post('/fn/account/sign_up', { form: { username: 'sam', password: PASSWORD } });
  expect(signUp.ok(), await signUp.text()).toBeTruthy();
  await seed(page.request, 'Book the ferry to Skye', 'Renew the passport', 'Pay the electricity bill', 'Call Grandma on Sunday');
  await page.goto('/');
  await waitForHydration(page);
  await page.getByLabel('Done: Renew the passport').check();
  await expect(row(page, 'Renew the passport')).toHaveClass(/completed/);
  const bill = row(page, 'Pay the electricity bill');
  await bill.getByLabel('Attach files to: Pay the electricity bill').setInputFiles([
    { name: 'bill-november.png', mimeType: 'image/png', buffer: await receiptPng(page) },
    { name: 'meter-readings.txt', mimeType: 'text/plain', buffer: Buffer.from('41 207 kWh\n'.repeat(40)) },
  ]);
  await expect(bill.getByRole('link', { name: 'bill-november.png' })).toBeVisible();
  await expect(bill.getByRole('link', { name: 'meter-readings.txt' })).toBeVisible();
  const state = await context.storageState();
  await context.close();
  return state;
}

test('the to-do list on a phone and a desktop, light and dark', async ({ browser }) => {
  mkdirSync(OUT, { recursive: true });
  const storageState = await prepare(browser);
  for (const { width, height, isMobile, hasTouch } of SCREENS) {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({
        storageState,
        viewport: { width, height },
        isMobile,
        hasTouch,
        colorScheme,
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      await page.goto('/');
      await waitForHydration(page);
      const preview = page.locator('img.attachment-preview');
      await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
      // On a desktop, the pointer rests on the row with attachments, showing its buttons.
      if (!hasTouch) await row(page, 'Pay the electricity bill').locator('.view').hover();
      await page.screenshot({ path: resolve(OUT, `todos-${width}-${colorScheme}.png`), animations: 'disabled' });
      await context.close();
    }
  }
});
