import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, json } from '../test-support/fake-fetch';
import { product } from '../test-support/fixtures';
import { InventoryPanel } from './inventory-panel';

const mug = product({
  sku: 'MUG-001',
  name: 'Meridian Mug',
  stock: {
    available: 150,
    reserved: 2,
    sold: 8,
    byRegion: [
      { sku: 'MUG-001', region: 'us-east-1', available: 100, reserved: 2, sold: 8 },
      { sku: 'MUG-001', region: 'eu-west-1', available: 50, reserved: 0, sold: 0 },
    ],
  },
});

describe('inventory panel', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('has an empty state for an empty catalog', async () => {
    fakeFetch({ 'GET /api/v1/products': () => json({ items: [] }) });
    render(<InventoryPanel token="t" />);
    expect(screen.getByText('Reading stock…')).toBeTruthy();
    expect(await screen.findByText('No products in the catalog.')).toBeTruthy();
  });

  it('shows every region allotment of a SKU', async () => {
    fakeFetch({ 'GET /api/v1/products': () => json({ items: [mug] }) });
    render(<InventoryPanel token="t" />);

    const row = (await screen.findByRole('rowheader', { name: 'MUG-001' })).closest('tr') as HTMLElement;
    const cells = within(row)
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells).toEqual(['Meridian Mug', '150', '2', '8', '50 / 0 / 0', '100 / 2 / 8']);
  });

  it('restocks and names the region that took the request (from x-meridian-region)', async () => {
    const { requests } = fakeFetch({
      'GET /api/v1/products': () => json({ items: [mug] }),
      'POST /api/v1/admin/products/MUG-001/restock': () =>
        json({ ...mug, stock: { ...mug.stock, available: 160 } }, 200, { 'x-meridian-region': 'eu-west-1' }),
    });
    render(<InventoryPanel token="t" />);
    const form = await screen.findByRole('form', { name: 'Restock' });

    fireEvent.change(within(form).getByLabelText('Units'), { target: { value: '10' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Restock' }));

    expect(
      await within(form).findByText(
        /Added 10 units of MUG-001, split evenly across the regions \(eu-west-1 took the request\); 160 available/,
      ),
    ).toBeTruthy();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ quantity: 10 });
  });

  it('says transfers are not available when the API has no transfer route yet', async () => {
    fakeFetch({ 'GET /api/v1/products': () => json({ items: [mug] }) });
    render(<InventoryPanel token="t" />);
    const form = await screen.findByRole('form', { name: 'Transfer between regions' });

    fireEvent.click(within(form).getByRole('button', { name: 'Transfer' }));

    expect(await within(form).findByText('Transfers are not available from this API yet.')).toBeTruthy();
  });
});
