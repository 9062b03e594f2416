import type { CompensationStep, OrderStatus, TimelineEntry } from '../api/types';
import { formatTime } from '../ui/format';
import { type StepKind, timelineSteps } from './timeline-steps';

const MARK: Record<StepKind, { symbol: string; text: string }> = {
  done: { symbol: '✓', text: 'done' },
  undo: { symbol: '↺', text: 'undone' },
  failed: { symbol: '✕', text: 'failed' },
  waiting: { symbol: '○', text: 'waiting' },
};

interface OrderTimelineProps {
  timeline: readonly TimelineEntry[];
  status: OrderStatus;
  /** Compensations a closed order still owes: shown as waiting until settled. */
  owed?: readonly CompensationStep[];
}

/** The saga's steps as they happen; the parent polls the order, so new steps appear without a reload. */
export function OrderTimeline({ timeline, status, owed = [] }: OrderTimelineProps) {
  const steps = timelineSteps(timeline, status, owed);
  return (
    <ol className="timeline" aria-label="Order progress">
      {steps.map((step, index) => (
        <li key={`${step.type}-${index}`} className={`step step-${step.kind}`}>
          <span className="step-mark" aria-hidden="true">
            {MARK[step.kind].symbol}
          </span>
          <span className="step-body">
            <span className="step-label">{step.label}</span>
            <span className="visually-hidden"> ({MARK[step.kind].text})</span>
            {step.at ? (
              <time className="step-time" dateTime={step.at}>
                {formatTime(step.at)}
              </time>
            ) : (
              <span className="step-time">waiting…</span>
            )}
            {step.detail ? <span className="step-detail">{step.detail}</span> : null}
          </span>
        </li>
      ))}
    </ol>
  );
}

export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status}</span>;
}
