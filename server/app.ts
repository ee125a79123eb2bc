import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { config } from './config.ts';
import type { Db } from './db/client.ts';
import { authenticator } from './http/auth.ts';
import { errorHandler, noRoute } from './http/errors.ts';
import { openApiDocument } from './http/openapi.ts';
import { securityHeaders, setSecurityHeaders } from './http/security-headers.ts';
import { EventStreams } from './http/sse.ts';
import { routeTable, sendJson, type RouteSpec } from './http/route.ts';
import type { Logger } from './logger.ts';
import { packageRoot } from './paths.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { LoginThrottle } from './modules/auth/login-throttle.ts';
import { comparisonRoutes } from './modules/comparisons/comparisons.routes.ts';
import { importRoutes } from './modules/conversations/import.routes.ts';
import { exportRoutes } from './modules/exports/exports.routes.ts';
import { projectRoutes } from './modules/projects/projects.routes.ts';
import { userRoutes } from './modules/users/users.routes.ts';
import { chatRoutes } from './modules/chats/chats.routes.ts';
import { statsRoutes } from './modules/stats/stats.routes.ts';
import { demonstrationRoutes } from './modules/demonstrations/demonstrations.routes.ts';
import { modelRoutes } from './modules/models/models.routes.ts';
import { SampleJobs } from './modules/models/sample-jobs.ts';

export const clientDist = path.join(packageRoot, 'dist/client');
const version = (JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

export interface AppOptions {
  db: Db;
  logger: Logger;
  /** Origins besides the server's own allowed to make cookie-authenticated writes (e.g. Vite's dev server). */
  allowedOrigins?: string[];
  /** Serve the built client from dist/client (when it exists). */
  serveClient?: boolean;
}

/** The web app, and what stops its long-running work when the server shuts down. */
export interface OrdinalApp {
  handler: express.Express;
  /**
   * The server is stopping: open model streams end with a final event, sampling jobs start no
   * further prompt.
   */
  beginShutdown(): void;
}

export function createApp({ db, logger, allowedOrigins = config().ORDINAL_ALLOWED_ORIGINS, serveClient = true }: AppOptions): OrdinalApp {
  const app = express();
  app.disable('x-powered-by');
  // API answers are never cached, so hashing every JSON body for an ETag is wasted work.
  app.set('etag', false);
  app.set('trust proxy', config().ORDINAL_TRUST_PROXY || false);
  const streams = new EventStreams(logger);
  const jobs = new SampleJobs();
  const specs: RouteSpec[] = [
    ...authRoutes(db, new LoginThrottle()),
    ...userRoutes(db),
    ...projectRoutes(db),
    ...importRoutes(db, logger),
    ...comparisonRoutes(db, logger),
    ...exportRoutes(db, logger),
    ...modelRoutes(db, jobs, streams),
    ...demonstrationRoutes(db),
    ...chatRoutes(db, streams),
    ...statsRoutes(db),
  ];
  const document = openApiDocument(specs, version);

  const routes = routeTable(specs);
  const authenticate = authenticator(db, allowedOrigins);
  const logRequests = logger.isLevelEnabled('info');
  // The API comes first: the trainer's hot path passes through no other layer.
  app.use('/api/v1', async (req, res) => {
    setSecurityHeaders(res);
    if (logRequests) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        logger.info(
          {
            method: req.method,
            url: req.originalUrl,
            status: res.statusCode,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            user: req.auth?.user.username,
          },
          'request',
        );
      });
    }
    // The API's description is public, even to a script whose token is wrong: served before authentication.
    if ((req.method === 'GET' || req.method === 'HEAD') && /^\/openapi\.json\/?$/i.test(req.path)) return sendJson(res, 200, document);
    authenticate(req, res);
    await routes(req, res);
  });
  app.use(securityHeaders);
  app.use('/api', (req) => {
    throw noRoute(req.method, req.originalUrl, '; the API lives under /api/v1');
  });

  if (serveClient && fs.existsSync(path.join(clientDist, 'index.html'))) {
    app.use(express.static(clientDist, { index: false, maxAge: '1h' }));
    // Client-side routes all load the same page.
    app.get('/{*splat}', (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(clientDist, 'index.html'));
    });
  }
  app.use(errorHandler(logger));
  return {
    handler: app,
    beginShutdown() {
      streams.endAll();
      jobs.stopAll();
    },
  };
}
