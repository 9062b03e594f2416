import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type Browser, openBrowser, screenshot } from './browser';
import { type Platform, startPlatform } from './platform';
import { addFromCatalog, checkOut, signIn, signInAsAdmin, signOut } from './shop-steps';

// Needs two local regions and the front door's control endpoints (local mode). Against a front door
// without them the console says so, and this test fails on purpose: nothing here may be skipped.
describe('region failover, driven from the operations console', () => {
  let platform: Platform;
  let browser: Browser;

  beforeAll(async () => {
    platform = await startPlatform({
      regions: ['us-east-1', 'eu-west-1'],
      env: { MERIDIAN_HEALTH_INTERVAL_MS: '250' },
    });
    browser = await openBrowser(platform.url);
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('an admin kills the serving region and a new order still succeeds through the other one', async () => {
    const { page } = browser;
    onTestFailed(async () => {
      await screenshot(page, 'failed-region-failover').catch(() => undefined);
    });

    await signInAsAdmin(page, platform.adminSignInLink());
    await page.getByRole('heading', { name: 'Operations console' }).waitFor();
    const serving = page.locator('.serving');
    await serving.filter({ hasText: 'Serving now: us-east-1' }).waitFor();
    const usEast = page.getByRole('article', { name: /us-east-1/ });
    const euWest = page.getByRole('article', { name: /eu-west-1/ });
    expect(await usEast.textContent()).toContain('Healthy');
    expect(await euWest.textContent()).toContain('Healthy');

    await usEast.getByRole('button', { name: 'Kill us-east-1' }).click();
    await page.getByRole('status').filter({ hasText: 'Kill us-east-1: requested' }).waitFor();
    await serving.filter({ hasText: 'Serving now: eu-west-1' }).waitFor({ timeout: 20_000 });
    await usEast.getByText('Unhealthy').waitFor();
    expect(await euWest.textContent()).toContain('Serving');
    await screenshot(page, 'console-region-killed');

    // The surviving region sells only its own allotment: restock (split evenly; the surviving region takes
    // the request and credits its share at once) so the order cannot fail for stock.
    await page.getByRole('link', { name: 'Inventory' }).click();
    const restock = page.getByRole('form', { name: 'Restock' });
    await restock.getByLabel('Product').selectOption({ label: 'MUG-001 — Meridian Mug' });
    await restock.getByLabel('Units').fill('5');
    await restock.getByRole('button', { name: 'Restock' }).click();
    await restock.getByRole('status').filter({ hasText: '(eu-west-1 took the request)' }).waitFor();

    await signOut(page);
    await signIn(page, 'Carol Okafor');
    await addFromCatalog(page, 'Meridian Mug');
    await checkOut(page, 'Visa ending 4242');

    await page
      .getByRole('heading', { name: 'Thank you! Your order is confirmed.' })
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('.order-status .badge').textContent()).toBe('CONFIRMED');
    expect(await page.getByText(/handled by region/).textContent()).toContain('eu-west-1');
    expect(await page.getByTestId('answering-region').textContent()).toBe('eu-west-1');
    await screenshot(page, 'order-confirmed-after-failover');
  });

  it('with the payment provider killed from the console, a failed order shows the release of the hold pending, then settled once it is started', async () => {
    const { page } = browser;
    onTestFailed(async () => {
      await screenshot(page, 'failed-provider-outage').catch(() => undefined);
    });

    await signInAsAdmin(page, platform.newAdminSignInLink());
    const provider = page.getByRole('article', { name: 'Payment provider' });
    await provider.locator('.health').filter({ hasText: 'Running' }).waitFor();
    await provider.getByRole('button', { name: 'Kill the payment provider' }).click();
    await provider.locator('.health').filter({ hasText: 'Stopped' }).waitFor();

    await signOut(page);
    await signIn(page, 'Carol Okafor');
    await addFromCatalog(page, 'Meridian Mug');
    await checkOut(page, 'Visa ending 4242');
    const orderUrl = page.url();
    const pending = page.getByRole('region', { name: 'Still to do' });
    await pending.waitFor({ timeout: 30_000 });
    expect(await pending.textContent()).toContain('Releasing the hold on your card is pending');
    expect(await page.locator('.order-status .badge').textContent()).toBe('FAILED');
    expect(await page.locator('main').textContent()).not.toMatch(/not been charged/i);
    await screenshot(page, 'order-release-pending');

    await signOut(page);
    await signInAsAdmin(page, platform.newAdminSignInLink());
    await page.getByRole('link', { name: 'Money' }).click();
    const orderId = decodeURIComponent(orderUrl.split('/orders/')[1] ?? '');
    const owed = page.getByRole('row', { name: orderId });
    await owed.waitFor();
    expect(await owed.textContent()).toContain('void authorization');
    await screenshot(page, 'console-money-owed');
    await page.getByRole('link', { name: 'Regions' }).click();
    await provider.getByRole('button', { name: 'Start the payment provider' }).click();
    await provider.locator('.health').filter({ hasText: 'Running' }).waitFor({ timeout: 30_000 });

    await signOut(page);
    await signIn(page, 'Carol Okafor');
    await page.goto(orderUrl);
    // The settlement sweep backs off per order (to 30 s locally); the page polls until it is settled.
    await page.getByText('Everything this order owed was completed').waitFor({ timeout: 45_000 });
    expect(await page.getByRole('region', { name: 'What this means for you' }).textContent()).toContain(
      'You have not been charged.',
    );
    await screenshot(page, 'order-settled');
  });
});
