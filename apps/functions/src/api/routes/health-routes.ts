import { healthSchema } from '@meridian/contracts';
import { nowIso } from '@meridian/domain';
import type { ApiApp, ApiDependencies } from '../api-env';
import { defineRoute, registerRoute } from '../openapi/route-registry';
import { jsonContent, problemResponse } from './route-helpers';

const healthRoute = defineRoute({
  method: 'get',
  path: '/health',
  tags: ['operations'],
  summary: 'Region health (used by the front door and Route 53 health checks)',
  responses: {
    200: jsonContent(healthSchema, 'The region serves traffic.'),
    // Rate limited at the edge like every route (its 503 is the degraded health, not a problem).
    429: problemResponse(429),
    503: jsonContent(healthSchema, 'The region is degraded.'),
  },
});

export function registerHealthRoutes(app: ApiApp, deps: ApiDependencies): void {
  registerRoute(app, healthRoute, async (c) => {
    const checks = await deps.operations.health();
    const status = Object.values(checks).every((check) => check.status === 'ok') ? 'ok' : 'degraded';
    c.header('cache-control', 'no-store');
    return c.json(
      { status, region: deps.ctx.region, time: nowIso(deps.ctx), checks },
      status === 'ok' ? 200 : 503,
    );
  });
}
