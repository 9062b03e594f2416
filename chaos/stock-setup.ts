import { HttpError, postJson } from './http';
import { type Progress, sleep } from './progress';
import type { RegionReader } from './region-reader';
import type { Restock } from './scenario';
import { readTransferTruth } from './store-files';

/**
 * Restocks through the front door (the serving region credits its share and consigns the rest to the
 * other regions), then waits until every consignment has been credited, so the load starts from a
 * settled, known supply.
 */
export async function restockAndSettle(options: {
  frontDoor: string;
  adminToken: string;
  restocks: readonly Restock[];
  scarceSku: string;
  readers: readonly RegionReader[];
  dataDir: string;
  progress: Progress;
}): Promise<void> {
  for (const restock of options.restocks) {
    const url = `${options.frontDoor}/api/v1/admin/products/${restock.sku}/restock`;
    const body = {
      quantity: restock.quantity,
      ...(restock.onlyIn ? { split: [{ region: restock.onlyIn, quantity: restock.quantity }] } : {}),
    };
    const response = await postJson(url, body, { token: options.adminToken });
    if (response.status !== 200) throw new HttpError(url, response.status, response.text);
  }
  options.progress.info(
    `restocked ${options.restocks.map((r) => `${r.sku} +${r.quantity}${r.onlyIn ? ` (all in ${r.onlyIn})` : ''}`).join(', ')}; ${options.scarceSku} keeps its demo stock`,
  );
  const regions = options.readers.map((reader) => reader.region);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { uncredited } = readTransferTruth(options.dataDir, regions);
    const views = await Promise.all(
      options.readers.map(async (reader) => ({ reader, products: await reader.products() })),
    );
    const missingOwn = views.flatMap(({ reader, products }) =>
      products
        .filter((product) => !product.stock.byRegion.some((allotment) => allotment.region === reader.region))
        .map((product) => `${reader.region}/${product.sku}`),
    );
    if (uncredited.length === 0 && missingOwn.length === 0) {
      const scarce = views.map(({ reader, products }) => {
        const own = products
          .find((product) => product.sku === options.scarceSku)
          ?.stock.byRegion.find((allotment) => allotment.region === reader.region);
        return `${reader.region} ${own?.available ?? 0}`;
      });
      options.progress.info(`stock settled; ${options.scarceSku} available: ${scarce.join(', ')}`);
      return;
    }
    if (Date.now() > deadline)
      throw new Error(
        `stock did not settle: ${uncredited.length} transfers uncredited, missing ${missingOwn.join(', ')}`,
      );
    await sleep(250);
  }
}
