import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import {
  addTodos,
  PNG,
  signUp,
  todoItems,
  waitForHydration,
} from './helpers';

// Attachments with JavaScript: picker and drag-and-drop, progress and cancel, preview,
// download, delete.

test.beforeEach(async ({ page }) => {
  await signUp(page);
  await page.goto('/');
  await waitForHydration(page);
  await addTodos(page, 'Holiday');
});

const row = (page: Page) => todoItems(page).filter({ hasText: 'Holiday' });

/** Holds uploads until `release` is called, so their progress can be seen. */
async function holdUploads(page: Page) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/todos/*/attachments', async (route) => {
    await held;
    try {
      await route.continue();
    } catch {
      // Cancelled by the page meanwhile.
    }
  });
  return release;
}

test('a picked image uploads with a progress bar, shows a preview, downloads and deletes', async ({ page }) => {
  const release = await holdUploads(page);
  await row(page).getByLabel('Attach files to: Holiday').setInputFiles({ name: 'beach.png', mimeType: 'image/png', buffer: PNG });
  await expect(row(page).getByRole('progressbar', { name: 'Uploading beach.png' })).toBeVisible();
  await expect(row(page).getByRole('button', { name: 'Cancel the upload of beach.png' })).toBeVisible();
  release();
  await page.unroute('**/todos/*/attachments');

  const attachment = row(page).locator('li.attachment');
  await expect(attachment.getByRole('link', { name: 'beach.png' })).toBeVisible();
  await expect(attachment).toContainText('image/png');
  await expect(row(page).getByRole('progressbar')).toHaveCount(0);
  const preview = attachment.locator('img.attachment-preview');
  await expect(preview).toBeVisible();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);

  const downloading = page.waitForEvent('download');
  await attachment.getByRole('link', { name: 'beach.png' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('beach.png');
  expect(Buffer.compare(await readFile((await download.path())!), PNG)).toBe(0);

  // Still there after a reload: it is in the database and the storage.
  await page.reload();
  await waitForHydration(page);
  await row(page).getByRole('button', { name: 'Delete the attachment beach.png' }).click();
  await expect(row(page).locator('li.attachment')).toHaveCount(0);
  await page.reload();
  await expect(row(page).locator('li.attachment')).toHaveCount(0);
});

test('files dropped on a to-do are attached to it', async ({ page }) => {
  const release = await holdUploads(page);
  const data = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['dropped text'], 'notes.txt', { type: 'text/plain' }));
    transfer.items.add(new File(['more'], 'more.txt', { type: 'text/plain' }));
    return transfer;
  });
  await row(page).dispatchEvent('dragover', { dataTransfer: data });
  await expect(row(page)).toHaveClass(/drop-target/);
  await row(page).dispatchEvent('drop', { dataTransfer: data });
  await expect(row(page).getByRole('progressbar', { name: 'Uploading notes.txt' })).toBeVisible();
  await expect(row(page).getByRole('progressbar', { name: 'Uploading more.txt' })).toBeVisible();
  release();
  await page.unroute('**/todos/*/attachments');
  await expect(row(page).getByRole('link', { name: 'notes.txt' })).toBeVisible();
  await expect(row(page).getByRole('link', { name: 'more.txt' })).toBeVisible();
  await expect(row(page)).not.toHaveClass(/drop-target/);
  await expect(row(page).locator('li.attachment').first()).toContainText('text/plain');
});

test('an upload can be cancelled', async ({ page }) => {
  const release = await holdUploads(page);
  await row(page).getByLabel('Attach files to: Holiday').setInputFiles({ name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(200_000, 1) });
  await row(page).getByRole('button', { name: 'Cancel the upload of big.bin' }).click();
  await expect(row(page).getByRole('progressbar')).toHaveCount(0);
  release();
  await page.unroute('**/todos/*/attachments');
  await page.reload();
  await expect(row(page).locator('li.attachment')).toHaveCount(0);
});

test('a file over the limit is refused with the limit named', async ({ page }) => {
  await row(page).getByLabel('Attach files to: Holiday').setInputFiles({
    name: 'huge.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.alloc(26 * 1024 * 1024, 1),
  });
  await expect(page.getByRole('alert')).toContainText('That file is too big: the most is 25 MiB per file.');
  await expect(row(page).locator('li.attachment')).toHaveCount(0);
});

test('the paperclip opens the picker by mouse and keyboard, and the file uploads at once', async ({ page }) => {
  const input = row(page).getByLabel('Attach files to: Holiday');
  // The native control is out of sight: only its paperclip label shows.
  const box = (await input.boundingBox())!;
  expect(box.width * box.height).toBeLessThanOrEqual(1);
  await expect(row(page).getByRole('button', { name: 'Upload' })).toBeHidden();

  await row(page).hover();
  const paperclip = row(page).getByTitle('Attach files');
  await expect(paperclip).toHaveCSS('opacity', '1');
  let chooser = page.waitForEvent('filechooser');
  await paperclip.click();
  await (await chooser).setFiles({ name: 'by-mouse.txt', mimeType: 'text/plain', buffer: Buffer.from('m') });
  await expect(row(page).getByRole('link', { name: 'by-mouse.txt' })).toBeVisible();

  // Tab from the row's last button reaches the input; its paperclip shows the focus ring.
  await page.mouse.move(0, 0);
  await row(page).getByRole('button', { name: 'Delete: Holiday' }).focus();
  await page.keyboard.press('Tab');
  await expect(input).toBeFocused();
  await expect(paperclip).toHaveCSS('opacity', '1');
  await expect(paperclip).toHaveCSS('outline-style', 'solid');
  chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Space');
  await (await chooser).setFiles({ name: 'by-keyboard.txt', mimeType: 'text/plain', buffer: Buffer.from('k') });
  await expect(row(page).getByRole('link', { name: 'by-keyboard.txt' })).toBeVisible();
});
