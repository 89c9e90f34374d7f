import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.ts';

/**
 * One line per request with ids only: the path (never the query string, which may carry a patient
 * name being searched for), status, duration and user id.
 */
export function requestLog(log: Logger) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    response.set('x-request-id', requestId);
    response.on('finish', () => {
      log.info(
        {
          requestId,
          method: request.method,
          path: request.path,
          status: response.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          userId: typeof response.locals.userId === 'string' ? response.locals.userId : undefined,
        },
        'request',
      );
    });
    next();
  };
}
