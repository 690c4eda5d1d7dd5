import { expect, test } from '@playwright/test';
import { signUp, todoItems } from './helpers';

// JavaScript is off in this project: every action is a plain HTML form post and a redirect.

test.beforeEach(async ({ page }) => {
  await signUp(page);
  await page.goto('/');
});

async function add(page: import('@playwright/test').Page, title: string) {
  const input = page.getByPlaceholder('What needs to be done?');
  await input.fill(title);
  await input.press('Enter');
  await expect(todoItems(page).filter({ hasText: title.trim() }).first()).toBeVisible();
}

test('adds a to-do with a form post', async ({ page }) => {
  await add(page, '  plain HTML  ');
  await expect(todoItems(page).locator('.view > label')).toHaveText(['plain HTML']);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('span.todo-count')).toHaveText('1 item left');
});

test('shows why a title was refused', async ({ page }) => {
  const input = page.getByPlaceholder('What needs to be done?');
  await input.fill('y'.repeat(501));
  await input.press('Enter');
  await expect(page.getByRole('alert')).toContainText('The title is too long');
  await expect(todoItems(page)).toHaveCount(0);
});

test('toggles one and all, then back', async ({ page }) => {
  await add(page, 'one');
  await add(page, 'two');
  await page.getByRole('button', { name: 'Mark as complete: one' }).click();
  await expect(todoItems(page).nth(0)).toHaveClass(/completed/);
  await expect(page.locator('span.todo-count')).toHaveText('1 item left');

  await page.getByRole('button', { name: 'Mark all as complete' }).click();
  await expect(todoItems(page)).toHaveClass([/completed/, /completed/]);
  await page.getByRole('button', { name: 'Mark all as active' }).click();
  await expect(todoItems(page).filter({ has: page.locator('.toggle:checked') })).toHaveCount(0);

  await page.getByRole('button', { name: 'Mark as complete: two' }).click();
  await page.getByRole('button', { name: 'Mark as active: two' }).click();
  await expect(todoItems(page).nth(1)).not.toHaveClass(/completed/);
});

test('edits with the edit form and returns to the same filter', async ({ page }) => {
  await add(page, 'draft');
  await page.getByRole('link', { name: 'Active' }).click();
  await page.getByRole('link', { name: 'Edit: draft' }).click();
  await expect(page).toHaveURL(/\/active\?edit=\d+$/);
  const edit = page.locator('input.edit');
  await expect(edit).toHaveValue('draft');
  await edit.fill('  final  ');
  await edit.press('Enter');
  await expect(page).toHaveURL(/\/active$/);
  await expect(todoItems(page).locator('.view > label')).toHaveText(['final']);
  await expect(page.locator('input.edit')).toHaveCount(0);
});

test('an emptied edit deletes the to-do', async ({ page }) => {
  await add(page, 'short-lived');
  await page.getByRole('link', { name: 'Edit: short-lived' }).click();
  await page.locator('input.edit').fill('');
  await page.locator('input.edit').press('Enter');
  await expect(todoItems(page)).toHaveCount(0);
});

test('deletes a to-do and clears completed', async ({ page }) => {
  await add(page, 'a');
  await add(page, 'b');
  await add(page, 'c');
  await page.getByRole('button', { name: 'Delete: b' }).click();
  await expect(todoItems(page).locator('.view > label')).toHaveText(['a', 'c']);
  await page.getByRole('button', { name: 'Mark as complete: c' }).click();
  await page.getByRole('button', { name: 'Clear completed' }).click();
  await expect(todoItems(page).locator('.view > label')).toHaveText(['a']);
  await expect(page.getByRole('button', { name: 'Clear completed' })).toHaveCount(0);
});

test('filters are links that the server renders', async ({ page }) => {
  await add(page, 'open');
  await add(page, 'closed');
  await page.getByRole('button', { name: 'Mark as complete: closed' }).click();
  await page.getByRole('link', { name: 'Completed' }).click();
  await expect(page).toHaveURL(/\/completed$/);
  await expect(todoItems(page).locator('.view > label')).toHaveText(['closed']);
  await expect(page.getByRole('link', { name: 'Completed' })).toHaveClass(/selected/);
  // A form post from a filtered view comes back to it.
  await page.getByRole('button', { name: 'Mark as active: closed' }).click();
  await expect(page).toHaveURL(/\/completed$/);
  await expect(todoItems(page)).toHaveCount(0);
  await page.getByRole('link', { name: 'Active' }).click();
  await expect(todoItems(page).locator('.view > label')).toHaveText(['open', 'closed']);
});
