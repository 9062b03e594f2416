import { type ChildProcess, spawn } from 'node:child_process';
import { withTimeout } from './bounded';

/** Runs `run` while a bare node:http server (answers `{}` to anything) listens on `port`: the ceiling. */
export async function withBareServer<T>(port: number, run: () => Promise<T>): Promise<T> {
  const server: ChildProcess = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{}')); }).listen(${port}, '127.0.0.1', () => console.log('up'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const up = new Promise<void>((resolve, reject) => {
    server.stdout?.once('data', () => resolve());
    server.once('error', (error) => reject(new Error(`(a) bare server could not start: ${error.message}`)));
    server.once('exit', (code, signal) =>
      reject(new Error(`(a) bare server exited before it was up (${signal ?? `code ${code}`})`)),
    );
  });
  try {
    await withTimeout(up, 10_000, `(a) bare server on port ${port} was not up within 10 s`);
    return await run();
  } finally {
    server.kill();
  }
}
