import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

/** Empties the list through the app's own server functions. */
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

/** Waits until the page is hydrated (the Wasm app runs). */
export async function waitForHydration(page: Page) {
  await expect(page.locator('main.todoapp')).toHaveAttribute('data-hydrated', 'true');
}

export const todoItems = (page: Page): Locator => page.locator('ul.todo-list > li');
export const newTodo = (page: Page): Locator => page.getByPlaceholder('What needs to be done?');

export async function addTodos(page: Page, ...titles: string[]) {
  for (const title of titles) {
    await newTodo(page).fill(title);
    await newTodo(page).press('Enter');
    await expect(todoItems(page).filter({ hasText: title.trim() }).first()).toBeVisible();
  }
}
