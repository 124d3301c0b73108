import { createServer } from 'node:net';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

/**
 * A port for one of the runtime's servers: the one asked for, checked to be free (with a
 * message naming what wanted it), or one the OS picks.
 */
export function reservePort(port: number | undefined, purpose: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(
              `port ${port} for the ${purpose} is in use; stop what holds it or choose another port`,
              { cause: error },
            )
          : error,
      );
    });
    server.listen(port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(chosen));
    });
  });
}
