import express, { type Express } from 'express';
import helmet from 'helmet';
import type { SidecarServices } from '../services.ts';
import { errorHandler } from './error-handler.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { registerRoutes } from './register-routes.ts';
import type { RouteDefinition } from './route-registry.ts';
import { requestLog } from './request-log.ts';
import { serveUi } from './static-ui.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { worklistRoutes } from './routes/worklist-routes.ts';
import { routingRoutes } from './routes/routing-routes.ts';
import { routingRulesRoutes } from './routes/routing-rules-routes.ts';
import { destinationRoutes } from './routes/destination-routes.ts';
import { hl7Routes } from './routes/hl7-routes.ts';
import { importRoutes } from './routes/import-routes.ts';
import { studyRoutes } from './routes/study-routes.ts';
import { studyActionRoutes } from './routes/study-action-routes.ts';
import { shareRoutes } from './routes/share-routes.ts';
import { DomainError } from '../domain/errors.ts';
import { mountDicomwebProxy } from '../viewer/dicomweb-proxy.ts';
import { mountViewer } from '../viewer/serve-viewer.ts';
import { viewerPrincipalResolvers } from '../viewer/viewer-principal.ts';

export const API_VERSION = '0.1.0';

/** Every route of the sidecar; tests walk this list to check that none is left unprotected. */
export function allRoutes(services: SidecarServices): RouteDefinition[] {
  return [
    ...healthRoutes(services),
    ...authRoutes(services),
    ...studyRoutes(services),
    ...studyActionRoutes(services),
    ...shareRoutes(services),
    ...importRoutes(services),
    ...hl7Routes(services),
    ...worklistRoutes(services),
    ...routingRoutes(services),
    ...routingRulesRoutes(services),
    ...destinationRoutes(services),
    ...adminRoutes(services),
  ];
}

export function createApp(services: SidecarServices): { app: Express; routes: RouteDefinition[] } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', services.config.http.trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use((_request, response, next) => {
    // Patient data must not linger in shared caches or the browser's back/forward cache.
    response.set('cache-control', 'no-store');
    next();
  });
  app.use(requestLog(services.log));
  app.use(express.json({ limit: '1mb' }));

  const routes = allRoutes(services);
  registerRoutes(app, routes, {
    sessions: services.sessions,
    audit: services.audit,
    cookieName: services.config.session.cookieName,
  });
  const openapi = buildOpenApiDocument(routes, API_VERSION);
  app.get('/openapi.json', (_request, response) => {
    response.json(openapi);
  });
  mountDicomwebProxy(app, services);
  mountViewer(app, services, { resolvers: viewerPrincipalResolvers(services) });
  serveUi(app);
  app.use('/api', (request, _response, next) => {
    next(new DomainError('not_found', `no API route ${request.method} ${request.path}`));
  });
  app.use(errorHandler(services.log));
  return { app, routes };
}
