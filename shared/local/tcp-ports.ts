import { createServer } from 'node:net';
import { PortInUseError } from './errors.ts';

const HOST = '127.0.0.1';

/** Resolves once `port` has been bound and released; rejects with PortInUseError if taken. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (cause: NodeJS.ErrnoException) => {
      reject(cause.code === 'EADDRINUSE' ? new PortInUseError(port, what, { cause }) : cause);
    });
    server.listen(port, HOST, () => server.close(() => resolve()));
  });
}

/** A port the OS considers free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The given port after checking it is free, or a fresh free one. */
export async function choosePort(port: number | undefined, what: string): Promise<number> {
  if (port === undefined || port === 0) return freePort();
  await assertPortFree(port, what);
  return port;
}
