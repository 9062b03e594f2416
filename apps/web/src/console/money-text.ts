import type { CompensationStep, RegionSettlement } from '../api/types';
import { formatDuration } from '../ui/format';

/** The saga's compensations as an operator reads them. */
export const OWED_NAMES: Record<CompensationStep, string> = {
  refundPayment: 'refund',
  cancelShipment: 'cancel shipment',
  voidPayment: 'void authorization',
  releaseInventory: 'release stock',
};

export function owedNames(owed: readonly CompensationStep[]): string {
  return owed.map((step) => OWED_NAMES[step]).join(', ');
}

/** "none", or how many closed orders still owe a compensation and how long the oldest has waited. */
export function owedText(settlement: RegionSettlement): string {
  if (settlement.owed === 0) return 'none';
  const orders = `${settlement.owed} ${settlement.owed === 1 ? 'order' : 'orders'}`;
  return settlement.oldestAgeMs === null
    ? orders
    : `${orders}, oldest waiting ${formatDuration(settlement.oldestAgeMs)}`;
}
