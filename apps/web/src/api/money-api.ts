import { requestJson } from './http-client';
import type { Page, Reconciliation, ReconciliationReport, Settlement } from './types';

/** An answer of the region the front door chose; the money routes speak for that region only. */
export interface RegionAnswer<T> {
  data: T;
  region: string | undefined;
}

/** The API caps a page at 100; owed settlements are few, and the list says when there are more. */
export const SETTLEMENTS_PAGE = 100;

/** The answering region's owed settlements, soonest due first (first page). */
export async function listOwedSettlements(
  token: string,
  signal?: AbortSignal,
): Promise<RegionAnswer<Page<Settlement>>> {
  const { data, region } = await requestJson<Page<Settlement>>(
    `/api/v1/admin/settlements?limit=${SETTLEMENTS_PAGE}`,
    { token, ...(signal ? { signal } : {}) },
  );
  return { data, region };
}

/** The answering region's payment reconciler: its last pass and how many open orders it watches. */
export async function getReconciliation(
  token: string,
  signal?: AbortSignal,
): Promise<RegionAnswer<Reconciliation>> {
  const { data, region } = await requestJson<Reconciliation>('/api/v1/admin/reconciliation', {
    token,
    ...(signal ? { signal } : {}),
  });
  return { data, region };
}

/** Runs one reconciler pass in the answering region now (local mode; 404 route_not_found elsewhere). */
export async function runReconciler(token: string): Promise<ReconciliationReport> {
  const { data } = await requestJson<ReconciliationReport>('/api/v1/admin/reconciliation', {
    method: 'POST',
    token,
  });
  return data;
}
