import type { Page } from 'playwright-core';

/** What a person does in the shop, step by step, through the visible UI only (roles and labels). */

export async function signIn(page: Page, accountName: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: new RegExp(accountName) }).click();
  await page.getByRole('banner').getByText(accountName).waitFor();
}

/** An operator opens the one-time sign-in link the launcher printed, and lands on the console. */
export async function signInAsAdmin(page: Page, signInLink: string): Promise<void> {
  await page.goto(signInLink);
  await page.getByRole('banner').getByText('Operations Admin').waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('link', { name: 'Sign in' }).waitFor();
}

export async function addFromCatalog(page: Page, productName: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shop' }).click();
  await page.getByRole('button', { name: `Add to cart: ${productName}` }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Added ${productName} to the cart.` })
    .waitFor();
}

/** The stock line on a product page, e.g. "117 in stock", as a number. */
export async function shownStock(page: Page): Promise<number> {
  const text = (await page.getByTestId('stock').textContent()) ?? '';
  const match = /(\d+) in stock/.exec(text);
  if (!match?.[1]) throw new Error(`no stock count on the product page: "${text}"`);
  return Number(match[1]);
}

export async function openProduct(page: Page, productName: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Shop' }).click();
  await page.getByRole('link', { name: productName, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: productName }).waitFor();
}

export async function checkOut(page: Page, paymentLabel: string): Promise<void> {
  await page.getByRole('link', { name: /^Cart/ }).click();
  await page.getByRole('link', { name: 'Check out' }).click();
  await page.getByRole('heading', { name: 'Checkout' }).waitFor();
  await page.getByLabel('Address', { exact: true }).fill('1 Main Street');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('Postal code').fill('12345');
  await page.getByLabel('Country code').fill('US');
  await page.getByLabel(paymentLabel).check();
  await page.getByRole('button', { name: /^Place order/ }).click();
  await page.waitForURL(/\/orders\/ord_/);
}

export async function timelineSteps(page: Page): Promise<string[]> {
  const labels = await page
    .getByRole('list', { name: 'Order progress' })
    .locator('.step-label')
    .allTextContents();
  return labels.map((text) => text.trim());
}
