import { listProducts } from '../api/catalog-api';
import type { Product } from '../api/types';
import { EmptyState, Loading } from '../ui/async-states';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import { RestockForm, TransferForm } from './stock-forms';

const POLL_MS = 3000;

export function regionsOf(products: readonly Product[]): string[] {
  return [...new Set(products.flatMap((product) => product.stock.byRegion.map((a) => a.region)))].sort();
}

/** Stock per SKU and per region allotment (escrow: each region sells only its own allotment). */
export function InventoryPanel({ token }: { token: string }) {
  const products = useResource('inventory', listProducts, { intervalMs: POLL_MS });
  const items = products.data ?? [];
  const regions = regionsOf(items);
  return (
    <section aria-labelledby="inventory-title" className="panel">
      <h2 id="inventory-title">Inventory</h2>
      <p className="muted">
        Each region sells only from its own allotment, so two regions can never sell the same unit. Refreshes
        every {POLL_MS / 1000} s.
      </p>
      <ResourceProblem resource={products} action="Reading stock" />
      {products.loading && !products.data ? <Loading label="Reading stock…" /> : null}
      {products.data && items.length === 0 ? <EmptyState title="No products in the catalog." /> : null}
      {items.length > 0 ? (
        <>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">
                Stock per SKU; per region: available / reserved / sold
              </caption>
              <thead>
                <tr>
                  <th scope="col">SKU</th>
                  <th scope="col">Product</th>
                  <th scope="col">Available</th>
                  <th scope="col">Reserved</th>
                  <th scope="col">Sold</th>
                  {regions.map((region) => (
                    <th scope="col" key={region}>
                      {region}
                      <span className="muted small"> avail / res / sold</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {items.map((product) => (
                  <tr key={product.sku}>
                    <th scope="row" className="mono">
                      {product.sku}
                    </th>
                    <td>{product.name}</td>
                    <td className={product.stock.available === 0 ? 'error-text' : undefined}>
                      {product.stock.available}
                    </td>
                    <td>{product.stock.reserved}</td>
                    <td>{product.stock.sold}</td>
                    {regions.map((region) => {
                      const allotment = product.stock.byRegion.find((a) => a.region === region);
                      return (
                        <td key={region}>
                          {allotment
                            ? `${allotment.available} / ${allotment.reserved} / ${allotment.sold}`
                            : '—'}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="grid grid-forms">
            <RestockForm token={token} products={items} onDone={products.reload} />
            <TransferForm token={token} products={items} regions={regions} onDone={products.reload} />
          </div>
        </>
      ) : null}
    </section>
  );
}
