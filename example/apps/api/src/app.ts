import {
  createRequestListener,
  methodNotAllowed,
  notFound,
  readJsonBody,
  sendJson,
} from '@example/http-kit';
import { createServer, type Server } from 'node:http';
import { logger } from './logger.js';
import type { Repository } from './repository';
import { buildRouter } from './routes.js';
import { OrderService } from './services/order-service.js';

export interface AppOptions {
  readonly repository: Repository;
  readonly taxRate: number;
  readonly bodyLimitBytes?: number;
  readonly bodyTimeoutMs?: number;
  readonly newId?: () => string;
  readonly now?: () => Date;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** The API as a `node:http` server that is not yet listening. */
export function createApp(options: AppOptions): Server {
  const { repository, bodyLimitBytes = 64 * 1024, bodyTimeoutMs = 10_000 } = options;
  const router = buildRouter(repository, new OrderService(options));

  const listener = createRequestListener(
    async (req, res) => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = router.match(method, url.pathname);
      if (match.kind === 'not_found') throw notFound(`No route for ${method} ${url.pathname}`);
      if (match.kind === 'method_not_allowed') throw methodNotAllowed(match.allowed);

      const body = WITH_BODY.has(method)
        ? await readJsonBody(req, { limitBytes: bodyLimitBytes, timeoutMs: bodyTimeoutMs })
        : undefined;
      const result = await match.handler({ params: match.params, query: url.searchParams, body });
      sendJson(res, result.status, result.body, result.headers);
    },
    {
      onError: (error, req) =>
        logger.error('Unhandled error', { method: req.method, url: req.url, error }),
    },
  );
  return createServer(listener);
}
