import { z } from 'zod';
import type { AuditActor } from '../../audit/audit-log.ts';
import { destinationSchema, type Destination } from '../../domain/routing.ts';
import { connectionTestResultSchema, testDestinationConnection } from '../../routing/destination-echo.ts';
import { destinationChangeSchema, newDestinationSchema } from '../../routing/destination-input.ts';
import {
  DestinationStore,
  removeDestination,
  syncModalities,
  type ModalitySyncReport,
} from '../../routing/destinations-store.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';

// Routing destinations (issue #6), admin only. Passwords are write-only: the response schemas
// have no password field, and the registry strips whatever a schema does not declare.

const ADMIN = sessionOnly(['admin']);

const idParams = z.object({ id: z.string().min(1) });

const changeResponse = z.object({
  destination: destinationSchema,
  /** Problems bringing Orthanc's modality list up to date; the change itself is saved. */
  warnings: z.array(z.string()),
});

function syncWarnings(report: ModalitySyncReport): string[] {
  return report.failures.map((failure) => `Orthanc modality ${failure.name} not updated: ${failure.message}`);
}

/** What the audit log keeps of a destination: its settings, never its password. */
function auditedSettings(destination: Destination) {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...settings } = destination;
  return settings;
}

export function destinationRoutes(
  services: SidecarServices,
  destinations = new DestinationStore(services.db, {
    allowLoopbackDestinations: services.config.routing.allowLoopbackDestinations,
  }),
) {
  const { audit, orthanc, log } = services;

  async function recordChange(actor: AuditActor, action: string, destination: Destination, extra = {}) {
    await audit.record({
      type: 'networkConfiguration',
      actor,
      object: { type: 'destination', id: destination.id },
      details: { action, ...auditedSettings(destination), ...extra },
    });
  }

  async function sync(): Promise<string[]> {
    const report = await syncModalities(orthanc, destinations);
    if (report.failures.length > 0) log.warn({ failures: report.failures }, 'Orthanc modality sync incomplete');
    return syncWarnings(report);
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/destinations',
      summary: 'All routing destinations (never their passwords).',
      tag: 'routing',
      access: ADMIN,
      response: z.object({ destinations: z.array(destinationSchema) }),
      async handler() {
        return { destinations: await destinations.list() };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/destinations',
      summary: 'Create a destination; a DICOM one is added to Orthanc’s modalities.',
      tag: 'routing',
      access: ADMIN,
      status: 201,
      body: newDestinationSchema,
      response: changeResponse,
      async handler({ body, actor }) {
        const destination = await destinations.create(body);
        await recordChange(actor, 'destination created', destination);
        return { destination, warnings: await sync() };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/destinations/:id',
      summary: 'Change a destination (all settings but its name; no password keeps the stored one).',
      tag: 'routing',
      access: ADMIN,
      params: idParams,
      body: destinationChangeSchema,
      response: changeResponse,
      async handler({ params, body, actor }) {
        const before = await destinations.get(params.id);
        const destination = await destinations.update(params.id, body);
        const passwordChanged = body.kind !== 'dicom' && body.password !== undefined;
        await recordChange(actor, 'destination changed', destination, {
          before: auditedSettings(before),
          passwordChanged,
        });
        return { destination, warnings: await sync() };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/destinations/:id',
      summary: 'Delete a destination without route jobs or rules (409 otherwise: disable it instead).',
      tag: 'routing',
      access: ADMIN,
      params: idParams,
      response: z.object({ deleted: destinationSchema }),
      async handler({ params, actor }) {
        const deleted = await removeDestination(orthanc, destinations, params.id);
        await recordChange(actor, 'destination deleted', deleted);
        return { deleted };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/destinations/:id/test',
      summary: 'Test the connection to a destination (C-ECHO through Orthanc for DICOM).',
      tag: 'routing',
      access: ADMIN,
      params: idParams,
      response: connectionTestResultSchema,
      async handler({ params }) {
        const destination = await destinations.get(params.id);
        return testDestinationConnection(orthanc, destination, {
          hostCheck: destinations.hostCheck,
          password: await destinations.password(destination.id),
        });
      },
    }),
  ];
}
