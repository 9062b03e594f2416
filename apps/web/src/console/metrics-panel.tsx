import { listOrdersSince } from '../api/admin-api';
import { EmptyState, Loading } from '../ui/async-states';
import { formatDuration } from '../ui/format';
import { ProblemMessage } from '../ui/problem-message';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import { LineChart } from './line-chart';
import { latencySeries, type MetricsWindow, orderRate, percentile, sagaLatencyMs } from './metrics';

const SPAN_MS = 5 * 60_000;
const BUCKET_MS = 10_000;
const POLL_MS = 5000;

/**
 * Orders/s and saga latency over the last five minutes, computed here from the orders themselves
 * (GET /admin/orders: createdAt and the timeline's final step). The API has no metrics endpoint; on AWS
 * the CloudWatch dashboard shows the same from Lambda and Step Functions metrics.
 */
export function MetricsPanel({ token }: { token: string }) {
  const orders = useResource(
    'metrics-orders',
    async (signal) => ({
      orders: await listOrdersSince(token, Date.now() - SPAN_MS, signal),
      end: Date.now(),
    }),
    { intervalMs: POLL_MS },
  );
  if (!orders.data) {
    return (
      <section aria-labelledby="metrics-title" className="panel">
        <h2 id="metrics-title">Traffic, last 5 minutes</h2>
        {orders.error ? (
          <ProblemMessage error={orders.error} action="Reading orders" />
        ) : (
          <Loading label="Reading orders…" />
        )}
      </section>
    );
  }
  const window: MetricsWindow = { end: orders.data.end, spanMs: SPAN_MS, bucketMs: BUCKET_MS };
  const list = orders.data.orders;
  const rate = orderRate(list, window);
  const latency = latencySeries(list, window);
  const latencies = list.flatMap((order) => sagaLatencyMs(order)?.latencyMs ?? []).sort((a, b) => a - b);
  const peak = Math.max(0, ...rate.map((p) => p.value ?? 0));
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const failed = list.filter((order) => order.status === 'FAILED').length;
  return (
    <section aria-labelledby="metrics-title" className="panel">
      <h2 id="metrics-title">Traffic, last 5 minutes</h2>
      <p>
        {list.length} orders ({failed} failed), peak {peak.toFixed(1)} orders/s, saga latency p50{' '}
        {p50 === undefined ? '—' : formatDuration(p50)}, p95 {p95 === undefined ? '—' : formatDuration(p95)}.
      </p>
      <ResourceProblem resource={orders} action="Refreshing orders" />
      <div className="grid grid-charts">
        <LineChart
          title="Orders per second (10 s buckets)"
          series={[{ label: 'orders/s', points: rate, className: 'series-rate' }]}
          format={(value) => value.toFixed(1)}
          summary={`Orders per second over the last 5 minutes; peak ${peak.toFixed(1)}.`}
        />
        {latencies.length === 0 ? (
          <EmptyState title="No order finished in the last 5 minutes.">
            <p>Saga latency appears here once orders reach a final status.</p>
          </EmptyState>
        ) : (
          <LineChart
            title="Saga latency, placed to final status"
            series={[
              { label: 'p50', points: latency.p50, className: 'series-p50' },
              { label: 'p95', points: latency.p95, className: 'series-p95' },
            ]}
            format={(value) => formatDuration(value)}
            summary={`Saga latency over the last 5 minutes; p50 ${p50 === undefined ? 'none' : formatDuration(p50)}, p95 ${p95 === undefined ? 'none' : formatDuration(p95)}.`}
          />
        )}
      </div>
    </section>
  );
}
