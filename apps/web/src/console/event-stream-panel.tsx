import { useEffect, useId, useRef, useState } from 'react';
import { followEventStream, type StreamState } from '../api/event-stream';
import type { EventEnvelope } from '../api/types';
import { EmptyState } from '../ui/async-states';
import { formatTime } from '../ui/format';

const KEEP = 200;

function stateText(state: StreamState): string {
  switch (state.kind) {
    case 'connecting':
      return 'Connecting…';
    case 'open':
      return 'Live';
    case 'unavailable':
      return 'Not available';
    case 'retrying':
      return `Disconnected (${state.reason}); retrying in ${Math.round(state.inMs / 1000)} s`;
  }
}

/** What an operator scans for: the order or SKU the event is about, and its status. */
function subject(event: EventEnvelope): string {
  const detail = event.detail;
  const parts = [detail.orderId, detail.sku, detail.status, detail.reason].filter(
    (part): part is string => typeof part === 'string',
  );
  return parts.join(' · ');
}

export function EventStreamPanel({ token, url = '/frontdoor/events' }: { token: string; url?: string }) {
  const [state, setState] = useState<StreamState>({ kind: 'connecting' });
  const [events, setEvents] = useState<EventEnvelope[]>([]);
  const [paused, setPaused] = useState(false);
  const [region, setRegion] = useState('');
  const [type, setType] = useState('');
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const ids = { region: useId(), type: useId() };

  useEffect(
    () =>
      followEventStream({
        url,
        token,
        onState: setState,
        onEvent: (event) => {
          if (pausedRef.current) return;
          setEvents((current) => [event, ...current.filter((e) => e.id !== event.id)].slice(0, KEEP));
        },
      }),
    [url, token],
  );

  const regions = [...new Set(events.map((event) => event.region))].sort();
  const shown = events.filter(
    (event) =>
      (!region || event.region === region) &&
      (!type || event['detail-type'].toLowerCase().includes(type.toLowerCase())),
  );
  return (
    <section aria-labelledby="events-title" className="panel">
      <h2 id="events-title">Live events, all regions</h2>
      <p role="status" className={`stream-state stream-${state.kind}`}>
        Stream: <strong>{stateText(state)}</strong>
      </p>
      {state.kind === 'unavailable' ? (
        <p className="muted">
          This front door does not publish an event stream (it comes with two-region local mode). On AWS, use
          the EventBridge archive.
        </p>
      ) : null}
      <div className="filters">
        <div className="field">
          <label htmlFor={ids.region}>Region</label>
          <select id={ids.region} value={region} onChange={(e) => setRegion(e.target.value)}>
            <option value="">All regions</option>
            {regions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.type}>Event type contains</label>
          <input
            id={ids.type}
            value={type}
            onChange={(e) => setType(e.target.value)}
            placeholder="OrderFailed"
          />
        </div>
        <button
          type="button"
          className="button button-secondary"
          aria-pressed={paused}
          onClick={() => setPaused(!paused)}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      {shown.length === 0 ? (
        <EmptyState title={events.length === 0 ? 'No events yet.' : 'No event matches the filters.'}>
          {events.length === 0 && state.kind === 'open' ? (
            <p>Place an order in the shop to see its saga announce each step.</p>
          ) : null}
        </EmptyState>
      ) : (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Most recent events first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Region</th>
                <th scope="col">Event</th>
                <th scope="col">About</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((event) => (
                <tr key={event.id}>
                  <td>
                    <time dateTime={event.time}>{formatTime(event.time)}</time>
                  </td>
                  <td>{event.region}</td>
                  <td>
                    {event['detail-type']} <span className="muted">({event.source})</span>
                  </td>
                  <td className="wrap">{subject(event)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
