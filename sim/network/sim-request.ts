/**
 * What a simulated process's Hono app receives: the parts of a `Request` Hono and the routes use (url,
 * method, headers, the body read once as text or JSON, the abort signal), built without undici's
 * streams and signals, which cost more than the exchange itself — as @hono/node-server hands a region
 * process a lightweight request too. A stream or a signal is made only when something asks for it.
 */
export class SimRequest {
  readonly headers: Headers;
  private controller: AbortController | undefined;

  constructor(
    readonly url: string,
    readonly method: string,
    headers: Record<string, string> | undefined,
    private readonly bodyText: string | undefined,
  ) {
    this.headers = new Headers(headers);
    if (bodyText !== undefined) this.headers.set('content-length', String(Buffer.byteLength(bodyText)));
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** The caller hung up: whoever watches the signal learns of it. */
  abort(reason: unknown): void {
    this.controller?.abort(reason);
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.bodyText === undefined ? null : new Response(this.bodyText).body;
  }

  get bodyUsed(): boolean {
    return false;
  }

  text(): Promise<string> {
    return Promise.resolve(this.bodyText ?? '');
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text) as unknown);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(this.bodyText ?? '');
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  blob(): Promise<Blob> {
    return Promise.resolve(new Blob([this.bodyText ?? '']));
  }

  formData(): Promise<FormData> {
    return new Response(this.bodyText ?? '', { headers: this.headers }).formData();
  }

  clone(): SimRequest {
    return new SimRequest(this.url, this.method, Object.fromEntries(this.headers), this.bodyText);
  }
}
