import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** Runs one invocation: the function's payload, or the error as Lambda reports it. */
type Invoke = (
  nameOrArn: string,
  event: unknown,
) => Promise<{ ok: true; payload: unknown } | { ok: false; error: unknown }>;

/**
 * Serves Lambda's Invoke API (`POST /2015-03-31/functions/<name>/invocations`) on the given port, which
 * is how moto's Step Functions calls the saga's Task functions: a function error answers 200 with
 * `x-amz-function-error`, an unknown function 404 `ResourceNotFoundException`, as Lambda does.
 */
export async function serveInvokeApi(invoke: Invoke, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    void answerInvoke(invoke, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

async function answerInvoke(
  invoke: Invoke,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.url ?? '');
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (request.method !== 'POST' || !match?.[1]) {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: `the emulator's Lambda endpoint has no ${request.url}` }));
    return;
  }
  const body = Buffer.concat(chunks).toString('utf8');
  let result: Awaited<ReturnType<Invoke>>;
  try {
    result = await invoke(decodeURIComponent(match[1]), body === '' ? {} : JSON.parse(body));
  } catch (error) {
    response.writeHead(404, {
      'content-type': 'application/json',
      'x-amzn-errortype': 'ResourceNotFoundException',
    });
    response.end(JSON.stringify({ message: String(error) }));
    return;
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amz-executed-version': '1',
  };
  if (!result.ok) headers['x-amz-function-error'] = 'Unhandled';
  response.writeHead(200, headers);
  response.end(JSON.stringify(result.ok ? result.payload : result.error));
}
