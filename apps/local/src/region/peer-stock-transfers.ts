import type { LinkState, Peer } from '@meridian/adapters-local';
import type { HttpClient } from '@meridian/adapters-node';
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
      /** The region's pooled client. */
      http: HttpClient;
      timeoutMs?: number;
    },
  ) {}

  async requestFromPeer(request: {
    sku: string;
    quantity: number;
    toRegion: string;
  }): Promise<StockTransfer | undefined> {
    for (const peer of this.options.peers) {
      if (!this.options.link.up) return undefined;
      try {
        const answer = await this.options.http.call({
          method: 'POST',
          url: `${peer.url}/internal/inventory/transfers`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ transferId: this.options.ids.next(), ...request }),
          timeoutMs: this.options.timeoutMs ?? 1000,
          // The peer answers a repeated transferId with the transfer it already made.
          idempotent: true,
        });
        if (answer.status !== 201) continue;
        return (JSON.parse(answer.text) as { transfer: StockTransfer }).transfer;
      } catch {
        // Unreachable or too slow: try the next peer.
      }
    }
    return undefined;
  }
}
