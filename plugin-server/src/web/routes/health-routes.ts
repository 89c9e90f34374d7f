import { sql } from 'kysely';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute } from '../route-registry.ts';

export function healthRoutes(services: SidecarServices) {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Liveness: the process answers.',
      tag: 'health',
      access: { kind: 'public' },
      response: z.object({ status: z.literal('ok') }),
      async handler() {
        return { status: 'ok' as const };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      summary: 'Readiness: the database and the staging Orthanc answer.',
      tag: 'health',
      access: { kind: 'public' },
      response: z.object({ status: z.literal('ready'), orthancVersion: z.string() }),
      async handler() {
        await sql`select 1`.execute(services.db);
        try {
          const system = await services.orthanc.system();
          return { status: 'ready' as const, orthancVersion: system.Version };
        } catch (error) {
          throw new DomainError('not_ready', 'the staging Orthanc does not answer', undefined, { cause: error });
        }
      },
    }),
  ];
}
