import { readEventStream } from '@meridian/contracts/event-stream';
import { type CliContext, CliError, fetchFailure, shorten, unreachable } from './control-client';

export async function tailEvents({ frontDoor, io, admin }: CliContext): Promise<never> {
  const url = `${frontDoor}/frontdoor/events`;
  const headers = { accept: 'text/event-stream', ...(await admin()) };
  const response = await fetch(url, { headers }).catch((error: unknown) => {
    throw unreachable(url, error);
  });
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    throw new CliError(`GET ${url} answered ${response.status}${text.trim() ? `: ${shorten(text)}` : ''}`);
  }
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await response.body.cancel();
    throw new CliError(`GET ${url} did not answer with an event stream; is it Meridian's front door?`);
  }
  let ready = false;
  try {
    for await (const { event, data } of readEventStream(response.body)) {
      if (event === 'ready') {
        // Printed once the front door has found where every region's stream is: nothing after is missed.
        ready = true;
        io.err(`tailing events from every region via ${url} (Ctrl-C to stop)`);
      } else if (data) io.out(eventLine(data));
    }
  } catch (error) {
    throw new CliError(
      `lost the event stream from ${frontDoor} (${fetchFailure(error)}); is \`npm start\` still running?`,
    );
  }
  throw new CliError(
    `the event stream from ${frontDoor} ended${ready ? '' : ' before it was ready'}; is \`npm start\` still running?`,
  );
}

function eventLine(data: string): string {
  try {
    const event = JSON.parse(data) as {
      time: string;
      region: string;
      source: string;
      'detail-type': string;
      detail?: { orderId?: string; sku?: string };
    };
    return `${event.time}  ${event.region.padEnd(10)} ${event.source.padEnd(19)} ${event['detail-type'].padEnd(24)} ${event.detail?.orderId ?? event.detail?.sku ?? ''}`;
  } catch {
    return data;
  }
}
