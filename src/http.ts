// The operations port (HTTP_PORT): GET /healthz (200 or 503 with each part's state, as JSON)
// and GET /metrics (Prometheus text). Nothing else is served; nothing here changes anything.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Health } from './health.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export interface HttpServer {
  /** The port listened on (the OS's choice when 0 was asked). */
  port: number;
  close(): Promise<void>;
}

export interface HttpOptions {
  port: number;
  host?: string;
  health(): Promise<Health>;
  metrics: Metrics;
  logger: Logger;
}

export async function startHttpServer(options: HttpOptions): Promise<HttpServer> {
  const { logger } = options;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'only GET\n');
    if (path === '/healthz') {
      options.health().then(
        (health) => send(health.ok ? 200 : 503, 'application/json', `${JSON.stringify(health)}\n`),
        (err: unknown) => {
          logger.error({ err }, 'health check failed');
          send(503, 'application/json', `${JSON.stringify({ ok: false, error: 'the health check itself failed' })}\n`);
        },
      );
      return;
    }
    if (path === '/metrics') {
      options.metrics.registry.metrics().then(
        (text) => send(200, options.metrics.registry.contentType, text),
        (err: unknown) => {
          logger.error({ err }, 'metrics failed');
          send(500, 'text/plain', 'metrics failed; see the log\n');
        },
      );
      return;
    }
    send(404, 'text/plain', 'not found: try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, 'health and metrics listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
