import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * For tests: HTTP servers on 127.0.0.1 (a free port each), closed with their open connections by
 * `closeAll()` (call it in afterEach).
 */
export function loopbackServers() {
  const servers: Server[] = [];
  return {
    async listen(handler: RequestListener): Promise<string> {
      const server = createServer(handler);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async closeAll(): Promise<void> {
      const open = servers.splice(0);
      await Promise.all(
        open.map((server) => {
          server.closeAllConnections();
          return new Promise((resolve) => server.close(resolve));
        }),
      );
    },
  };
}
