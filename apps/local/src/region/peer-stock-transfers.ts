import type { LinkState, Peer } from '@meridian/adapters-local';
import type { IdSource, StockTransfer, StockTransferPort } from '@meridian/domain';

/**
 * Escrow top-ups over HTTP: asks each peer region in turn to send units. A cut link or an unreachable
 * peer yields nothing (the order then fails out of stock rather than oversell). If a request times out
 * after the peer committed, the transfer record still replicates here and is credited then.
 */
export class PeerStockTransfers implements StockTransferPort {
  constructor(
    private readonly options: {
      peers: readonly Peer[];
      link: LinkState;
      ids: IdSource;
      timeoutMs?: number;
      fetch?: typeof fetch;
    },
  ) {}

  async requestFromPeer(request: {
    sku: string;
    quantity: number;
    toRegion: string;
  }): Promise<StockTransfer | undefined> {
    const fetchImpl = this.options.fetch ?? fetch;
    for (const peer of this.options.peers) {
      if (!this.options.link.up) return undefined;
      try {
        const response = await fetchImpl(`${peer.url}/internal/inventory/transfers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ transferId: this.options.ids.next(), ...request }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 1000),
        });
        if (response.status !== 201) {
          await response.body?.cancel();
          continue;
        }
        return ((await response.json()) as { transfer: StockTransfer }).transfer;
      } catch {
        // Unreachable or too slow: try the next peer.
      }
    }
    return undefined;
  }
}
