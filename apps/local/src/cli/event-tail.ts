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
  const decoder = new TextDecoder();
  let buffer = '';
  let ready = false;
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let boundary = buffer.indexOf('\n\n');
      while (boundary >= 0) {
        const lines = buffer.slice(0, boundary).split('\n');
        buffer = buffer.slice(boundary + 2);
        const type =
          lines
            .find((line) => line.startsWith('event:'))
            ?.slice(6)
            .trim() ?? 'message';
        const data = lines
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('');
        if (type === 'ready') {
          // Printed once the front door has found where every region's stream is: nothing after is missed.
          ready = true;
          io.err(`tailing events from every region via ${url} (Ctrl-C to stop)`);
        } else if (data) io.out(eventLine(data));
        boundary = buffer.indexOf('\n\n');
      }
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
