import { type RunningPlatform, startPlatform } from '@meridian/chaos/platform-control';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostileRequest, hostileRequestsFor } from './support/hostile-requests';
import { type OpenApiDocument, operationsOf } from './support/openapi-operations';
import {
  forgedAuthorizations,
  placeOrderAndWait,
  platformState,
  stopAndRemove,
} from './support/platform-state';
import { rawRequest } from './support/raw-http';

const REQUESTS = Number(process.env.MERIDIAN_HOSTILE_REQUESTS ?? 5000);

/**
 * Hostile requests generated with fast-check from the API's own OpenAPI document, sent byte for byte
 * through the front door to a running platform. Every one is spoiled in one way the API must refuse;
 * none may answer 5xx, hang, answer an error that is not problem+json, or change anything: stock, orders,
 * products, the payment ledger, sagas, notifications and dead letters are compared before and after.
 */
describe('hostile requests from the OpenAPI document', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    // This suite is about input, not rate: the limits are raised so that every request reaches the API.
    platform = await startPlatform(['us-east-1'], {
      MERIDIAN_RATE_LIMIT_PER_ADDRESS: '1000000',
      MERIDIAN_RATE_LIMIT_PER_PRINCIPAL: '1000000',
    });
  }, 120_000);
  afterAll(async () => {
    await stopAndRemove(platform);
  }, 30_000);

  it(`answers ${REQUESTS} of them with a 4xx problem (or a harmless read), and changes nothing`, async () => {
    const front = platform.urls.frontDoor;
    const { adminToken } = platform.credentials;
    const customer = await (
      await fetch(`${front}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'alice' }),
      })
    ).json();
    const aliceToken = (customer as { token: string }).token;
    const order = await placeOrderAndWait(front, aliceToken);
    // The place run of an order is named after the order.
    const execution = order.orderId;

    const document = (await (await fetch(`${front}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(15);
    const methodsByPath = Object.fromEntries(
      Object.entries(document.paths).map(([path, methods]) => [
        path,
        Object.keys(methods).map((m) => m.toUpperCase()),
      ]),
    );
    const fixtures = {
      customer: aliceToken,
      admin: adminToken,
      forged: await forgedAuthorizations(platform.dataDir),
      existing: { orderId: order.orderId, sku: 'MUG-001', name: execution, id: 'no-such-dead-letter' },
      methodsByPath,
    };

    const before = await platformState(platform);
    const seen = new Map<string, Map<number, number>>();
    let sent = 0;
    const check = async (request: HostileRequest) => {
      sent++;
      const label = `${request.kind} → ${request.method} ${request.target.slice(0, 120)}`;
      const response = await rawRequest(front, {
        method: request.method,
        target: request.target,
        headers: request.headers,
        ...(request.body ? { body: request.body } : {}),
        timeoutMs: 20_000,
      });
      const family = request.kind.split(':')[0] as string;
      const statuses = seen.get(family) ?? new Map<number, number>();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      seen.set(family, statuses);
      expect(response.status, label).toBeGreaterThanOrEqual(200);
      expect(response.status, label).toBeLessThan(500);
      if (response.status >= 400) {
        expect(response.headers['content-type'], label).toBe('application/problem+json');
        expect(response.json, label).toMatchObject({ status: response.status, code: expect.any(String) });
      }
      // A request that would change something must be refused; reads may answer.
      if (request.method !== 'GET') expect(response.status, label).toBeGreaterThanOrEqual(400);
    };

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(...operations.map((operation) => hostileRequestsFor(operation, fixtures))),
        check,
      ),
      { numRuns: REQUESTS, endOnFailure: true },
    );

    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    const summary = [...seen].map(
      ([family, statuses]) =>
        `${family}: ${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}×${count}`)
          .join(' ')}`,
    );
    console.log(`${sent} hostile requests\n  ${summary.join('\n  ')}`);
    // Every kind of hostility was tried.
    expect([...seen.keys()].sort()).toEqual(
      expect.arrayContaining([
        'auth',
        'body',
        'header',
        'media-type',
        'method',
        'oversized-body',
        'param',
        'query',
        'traversal',
      ]),
    );
    expect(await platformState(platform)).toEqual(before);
    expect(platform.exits).toEqual([]);
  }, 600_000);
});
