import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../logger.ts';

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** The one place where errors become HTTP answers. Internal details are logged, not returned. */
export function errorHandler(log: Logger) {
  return (error: unknown, request: Request, response: Response, _next: NextFunction): void => {
    let domain: DomainError;
    if (error instanceof DomainError) {
      domain = error;
    } else if (statusOf(error) === 413) {
      domain = new DomainError('payload_too_large', 'request body too large');
    } else if (statusOf(error) === 400) {
      domain = new DomainError('invalid_input', 'malformed request body');
    } else {
      domain = new DomainError('internal', 'internal error; see the server log', undefined, { cause: error });
    }
    const level = domain.httpStatus >= 500 ? 'error' : 'info';
    log[level](
      {
        err: domain.httpStatus >= 500 ? error : undefined,
        code: domain.code,
        method: request.method,
        path: request.path,
      },
      domain.message,
    );
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const body: { error: { code: string; message: string; details?: Record<string, unknown> } } = {
      error: { code: domain.code, message: domain.message },
    };
    if (domain.details !== undefined && domain.httpStatus < 500) body.error.details = domain.details;
    response.status(domain.httpStatus).json(body);
  };
}
