import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type Browser, openBrowser, screenshot } from './browser';
import { type Platform, startPlatform } from './platform';
import { addFromCatalog, checkOut, openProduct, shownStock, signIn, timelineSteps } from './shop-steps';

describe('storefront in Chromium', () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await openBrowser(platform.url);
  });

  // A failing test leaves a picture of what the browser showed at that moment.
  const keepFailureScreenshot = (name: string) =>
    onTestFailed(async () => {
      await screenshot(browser.page, `failed-${name}`).catch(() => undefined);
    });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('a customer signs in, buys two products with a Visa card and watches the order reach CONFIRMED', async () => {
    const { page } = browser;
    keepFailureScreenshot('visa-order');
    await signIn(page, 'Alice Rivera');
    await addFromCatalog(page, 'Meridian Mug');
    await addFromCatalog(page, 'Grid Notebook');
    expect(await page.getByRole('link', { name: /^Cart/ }).textContent()).toContain('(2)');

    await checkOut(page, 'Visa ending 4242');

    await page
      .getByRole('heading', { name: 'Thank you! Your order is confirmed.' })
      .waitFor({ timeout: 20_000 });
    expect(await page.locator('.order-status .badge').textContent()).toBe('CONFIRMED');
    const steps = await timelineSteps(page);
    for (const label of [
      'Order placed',
      'Stock reserved',
      'Payment authorized',
      'Shipment booked with the carrier',
      'Payment captured',
      'Order confirmed',
    ]) {
      expect(steps).toContain(label);
    }
    const summary = (await page.getByRole('region', { name: 'Summary' }).textContent()) ?? '';
    expect(summary).toContain('1 × Meridian Mug');
    expect(summary).toContain('1 × Grid Notebook');
    // The cart was emptied by the order.
    expect(await page.getByRole('link', { name: /^Cart/ }).textContent()).toContain('(0)');
    await screenshot(page, 'storefront-order-confirmed');

    await page.getByRole('link', { name: 'My orders' }).first().click();
    await page.getByRole('row', { name: /Meridian Mug/ }).waitFor();
    expect(await page.getByRole('row', { name: /Meridian Mug/ }).textContent()).toContain('CONFIRMED');
  });

  it('a declined card shows a clear failure and the stock shown is back where it was', async () => {
    const { page } = browser;
    keepFailureScreenshot('declined-card');
    await signIn(page, 'Bob Chen');
    await openProduct(page, 'Brass Pen');
    const before = await shownStock(page);
    await page.getByRole('button', { name: 'Add to cart' }).click();

    await checkOut(page, 'Card that is declined');

    const alert = page.getByRole('alert').filter({ hasText: 'Order failed' });
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('Order failed: Your card was declined.');
    const outcome = page.getByRole('region', { name: 'What this means for you' });
    expect(await outcome.textContent()).toContain('You have not been charged.');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Your order could not be completed.',
    );
    expect(await page.locator('.order-status .badge').textContent()).toBe('FAILED');
    const steps = await timelineSteps(page);
    expect(steps).toContain('Reserved stock released');
    await screenshot(page, 'storefront-card-declined');

    await page.getByRole('region', { name: 'Summary' }).getByRole('link', { name: 'Brass Pen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Brass Pen' }).waitFor();
    expect(await shownStock(page)).toBe(before);
    await screenshot(page, 'storefront-stock-restored');
  });
});
