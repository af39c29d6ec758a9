/** The HTTP transport: node:http on 127.0.0.1. Logging, latency, faults and routing are `exchange.ts`'s. */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { exchange, JSON_TYPE, type DroppedExchange } from './exchange.js';
import type { EmulatorState } from './state.js';

export { normalizePath, UNKNOWN_EXCEPTION_MESSAGE } from './exchange.js';

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Drops the connection after writing `partial` (if any): an RST for resetConnection, so clients see ECONNRESET as
 * with a real network reset; a FIN for closeConnection, so undici reports "other side closed" (UND_ERR_SOCKET).
 */
function dropConnection(socket: Socket, { dropped, head }: DroppedExchange): void {
  if (dropped.name === 'closeConnection') {
    socket.end(head, () => socket.destroy());
    return;
  }
  // The pause lets the client read the partial head before the reset arrives (an RST discards unread data).
  if (head) socket.write(head, () => setTimeout(() => socket.resetAndDestroy(), 20));
  else socket.resetAndDestroy();
}

async function handle(state: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const outcome = await exchange(state, { method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers, body: () => readBody(req) });
  if (outcome.dropped) {
    dropConnection(req.socket, outcome);
    return;
  }
  if (outcome.cut) {
    // The complete header block with the full Content-Length, half of the body, then the socket goes down.
    const bytes = Buffer.from(outcome.payload, 'utf8');
    res.writeHead(outcome.status, { ...outcome.headers, 'Content-Length': String(bytes.length) });
    res.flushHeaders();
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => setTimeout(() => req.socket.destroy(), 20));
    return;
  }
  res.writeHead(outcome.status, outcome.headers);
  res.end(outcome.payload);
}

export interface RunningServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

export async function listen(state: EmulatorState, port: number): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    handle(state, req, res).catch((e: unknown) => {
      // A bug in the emulator: answer like Salesforce's generic failure and keep serving.
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': JSON_TYPE });
      res.end(JSON.stringify([{ message: `Emulator error: ${message}`, errorCode: 'UNKNOWN_EXCEPTION' }]));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
