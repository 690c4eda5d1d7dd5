import { expect, test } from '@playwright/test';
import { addTodos, collectProblems, seed, signUp, todoItems, waitForHydration } from './helpers';

test.beforeEach(async ({ page }) => {
  await signUp(page);
});

test('hydrates without errors, warnings or failed requests', async ({ page }) => {
  await seed(page.request, 'from the server');
  const problems = collectProblems(page);

  await page.goto('/');
  // The list is the page's one island: the rest is server HTML that needs no Wasm.
  await expect(page.locator('leptos-island')).toHaveCount(1);
  await expect(page.locator('leptos-island main.todoapp')).toHaveCount(1);
  await waitForHydration(page);
  await addTodos(page, 'added in the browser');
  await todoItems(page).nth(0).locator('input.toggle').check();
  await page.getByRole('link', { name: 'Completed' }).click();
  await expect(todoItems(page)).toHaveCount(1);
  await page.goto('/active');
  await waitForHydration(page);
  expect(problems).toEqual([]);
});

test('a page served from memory hydrates with its fresh nonce and works', async ({ page }) => {
  await seed(page.request, 'kept on the server');
  const problems = collectProblems(page);

  const rendered = await page.goto('/');
  expect(rendered!.headers()['x-tick-page-cache']).toBe('miss');
  // Reload only once this page has finished loading: a reload aborts requests still in flight.
  await waitForHydration(page);
  const kept = await page.reload();
  expect(kept!.headers()['x-tick-page-cache']).toBe('hit');
  // The inline scripts carry the policy's new nonce, so they run and the page hydrates.
  const policyNonce = kept!.headers()['content-security-policy'].match(/'nonce-([^']+)'/)![1];
  const scriptNonces = await page.locator('script[nonce]').evaluateAll((scripts) =>
    scripts.map((script) => (script as HTMLScriptElement).nonce),
  );
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([policyNonce]));
  await waitForHydration(page);
  await todoItems(page).nth(0).locator('input.toggle').check();
  await expect(todoItems(page).nth(0)).toHaveClass(/completed/);
  // The change makes the kept page stale: the next load renders afresh and shows it.
  const after = await page.reload();
  expect(after!.headers()['x-tick-page-cache']).toBe('miss');
  await expect(todoItems(page).nth(0)).toHaveClass(/completed/);
  expect(problems).toEqual([]);
});

test('serves a favicon and hashed assets with long cache headers', async ({ page, request }) => {
  await page.goto('/');
  const icon = await request.get('/favicon.svg');
  expect(icon.status()).toBe(200);
  const scripts = await page.locator('link[rel=modulepreload]').getAttribute('href');
  expect(scripts).toMatch(/^\/pkg\/tick\.[\w-]+\.js$/);
  const js = await request.get(scripts!);
  expect(js.headers()['cache-control']).toContain('immutable');
});

test('looks right on a phone', async ({ page }) => {
  await seed(page.request, 'A to-do with a rather long title that has to wrap on a narrow screen');
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/');
  await waitForHydration(page);
  const box = await page.locator('main.todoapp').boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
});

test('follows the light or dark colour scheme', async ({ browser }) => {
  const background = async (colorScheme: 'light' | 'dark') => {
    const context = await browser.newContext({ colorScheme });
    const page = await context.newPage();
    await page.goto('/');
    // Signed out: the log-in page, on the page background.
    const color = await page.evaluate(() => getComputedStyle(document.body.parentElement!).backgroundColor);
    await context.close();
    const [r, g, b] = color.match(/\d+/g)!.map(Number);
    return (r + g + b) / 3;
  };
  expect(await background('light')).toBeGreaterThan(200);
  expect(await background('dark')).toBeLessThan(60);
});

test('shows keyboard focus', async ({ page }) => {
  await seed(page.request, 'focus me');
  await page.goto('/');
  await waitForHydration(page);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    return { className: el.className, outline: getComputedStyle(el).outlineStyle };
  });
  expect(focused.className).toBe('toggle-all');
  expect(focused.outline).not.toBe('none');
});
