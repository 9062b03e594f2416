import {
  pageQuerySchema,
  pageSchema,
  reconciliationReportSchema,
  settlementSchema,
} from '@meridian/contracts';
import { countWatches, listOwedSettlements, loadReport } from '@meridian/domain';
import * as z from 'zod';
import type { ApiApp, ApiDependencies } from '../api-env';
import { defineRoute, registerRoute } from '../openapi/route-registry';
import { bearerSecurity, jsonContent, problemResponses, toPageRequest } from './route-helpers';

const tags = ['admin'];
const security = bearerSecurity;
const adminErrors = [400, 401, 403] as const;

const reconciliationView = z
  .object({
    report: reconciliationReportSchema.nullable().meta({ description: 'Null before the first pass.' }),
    watching: z.number().int().meta({ description: 'Orders the reconciler will look at again.' }),
  })
  .meta({ id: 'Reconciliation' });

const routes = {
  listSettlements: defineRoute({
    method: 'get',
    path: '/admin/settlements',
    tags,
    security,
    summary: 'Closed orders of this region that still owe a compensation, soonest due first',
    description:
      'An order closes FAILED or CANCELLED even when a refund, void, shipment cancellation or stock release could not be completed; it then owes it, and the settlement sweep retries it with capped backoff until it succeeds.',
    request: { query: pageQuerySchema },
    responses: {
      200: jsonContent(pageSchema(settlementSchema, 'SettlementPage'), 'A page of owed settlements.'),
      ...problemResponses(...adminErrors),
    },
  }),
  reconciliation: defineRoute({
    method: 'get',
    path: '/admin/reconciliation',
    tags,
    security,
    summary: "The payment reconciler's last report for this region",
    responses: {
      200: jsonContent(reconciliationView, 'The last report.'),
      ...problemResponses(...adminErrors),
    },
  }),
  reconcileNow: defineRoute({
    method: 'post',
    path: '/admin/reconciliation',
    tags,
    security,
    summary: 'Run the payment reconciler of this region now (local mode)',
    description:
      "Compares the payment provider's ledger with this region's orders: voids what closed orders still hold, refunds what they captured; never captures. Local mode only: on AWS the reconciler runs on a schedule (invoke its function to run it now).",
    responses: {
      200: jsonContent(reconciliationReportSchema, 'The pass just run.'),
      ...problemResponses(...adminErrors),
    },
  }),
};

/** The money routes: what closed orders owe (settlement) and what the payment reconciler found. */
export function registerMoneyRoutes(app: ApiApp, deps: ApiDependencies): void {
  const { ctx } = deps;
  registerRoute(app, routes.listSettlements, async (c, input) =>
    c.json(await listOwedSettlements(ctx, toPageRequest(input.query)), 200),
  );
  registerRoute(app, routes.reconciliation, async (c) => {
    const [report, watching] = await Promise.all([loadReport(ctx), countWatches(ctx)]);
    return c.json({ report: report?.value ?? null, watching }, 200);
  });
  const reconcileNow = deps.reconcileNow;
  if (reconcileNow) registerRoute(app, routes.reconcileNow, async (c) => c.json(await reconcileNow(), 200));
}
