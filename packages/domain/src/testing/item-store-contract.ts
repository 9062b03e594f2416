import { describe, expect, it } from 'vitest';
import type { ItemStore } from '../store/item-store';
import { itemStoreScenarios } from './item-store-scenarios';

export { type ItemStoreScenario, itemStoreScenarios } from './item-store-scenarios';

/**
 * The ItemStore contract, shared by every implementation (in-memory, SQLite, DynamoDB): each scenario
 * runs on a fresh, empty store and must produce exactly the expected outcome, so every store gives every
 * scenario the same result. `open` returns a fresh store; `close` releases it.
 */
export function describeItemStoreContract(
  name: string,
  open: () => Promise<ItemStore>,
  close: (store: ItemStore) => Promise<void> = async () => {},
): void {
  describe(`${name}: the ItemStore contract`, () => {
    it.each(itemStoreScenarios.map((scenario) => [scenario.name, scenario] as const))(
      '%s',
      async (_name, scenario) => {
        const store = await open();
        try {
          expect(await scenario.run(store)).toEqual(scenario.expected);
        } finally {
          await close(store);
        }
      },
    );
  });
}
