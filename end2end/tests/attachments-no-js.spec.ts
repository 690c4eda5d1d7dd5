import { expect, test } from '@playwright/test';
import { signUp, todoItems } from './helpers';

// Attachments without JavaScript: a plain multipart form, then the page reloads with the file.

test('upload, download link and delete with plain forms', async ({ page }) => {
  await signUp(page);
  await page.goto('/');
  const input = page.getByPlaceholder('What needs to be done?');
  await input.fill('Taxes');
  await input.press('Enter');
  const row = todoItems(page).filter({ hasText: 'Taxes' });
  // The paperclip opens the file input's picker; "Upload" posts the form.
  const chooser = page.waitForEvent('filechooser');
  await row.getByTitle('Attach files').click();
  await (await chooser).setFiles({ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('paid') });
  await row.getByRole('button', { name: 'Upload' }).click();
  await expect(page).toHaveURL(/\/$/);
  const link = row.getByRole('link', { name: 'receipt.txt' });
  await expect(link).toBeVisible();
  const href = await link.getAttribute('href');
  const file = await page.request.get(href!);
  expect(await file.text()).toBe('paid');
  expect(file.headers()['content-disposition']).toContain('attachment');

  // No file chosen: the page says so. ("Upload" shows while the row holds the focus.)
  await row.getByLabel('Attach files to: Taxes').focus();
  await row.getByRole('button', { name: 'Upload' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose a file to attach.');

  await row.getByRole('button', { name: 'Delete the attachment receipt.txt' }).click();
  await expect(row.getByRole('link', { name: 'receipt.txt' })).toHaveCount(0);
});
