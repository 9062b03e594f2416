import { itemStoreReadScenarios } from './item-store-read-scenarios';
import type { ItemStoreScenario } from './item-store-scenario-steps';
import { itemStoreWriteScenarios } from './item-store-write-scenarios';

export type { ItemStoreScenario } from './item-store-scenario-steps';

/** Every scenario of the ItemStore contract, in the order they run. */
export const itemStoreScenarios: ItemStoreScenario[] = [
  ...itemStoreWriteScenarios,
  ...itemStoreReadScenarios,
];
