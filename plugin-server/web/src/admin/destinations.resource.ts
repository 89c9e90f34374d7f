// Routing destinations, admin only (plugin-server/src/web/routes/destination-routes.ts): list,
// create, change, delete, test the connection. The API never returns a password; this module
// never sends one either (DICOM destinations have none).

import { z } from 'zod';
import { destinationSchema, type Destination } from '../../../src/domain/routing.ts';
import type { ApiClient } from '../api/api-client.ts';

export type { Destination };

const listSchema = z.object({ destinations: z.array(destinationSchema) });
const changeSchema = z.object({ destination: destinationSchema, warnings: z.array(z.string()) });
export type DestinationChangeAnswer = z.infer<typeof changeSchema>;
const deletedSchema = z.object({ deleted: destinationSchema });

/**
 * The answer of "Test connection". Declared next to the sidecar's C-ECHO code
 * (src/routing/destination-echo.ts), which the browser cannot import (it talks to Orthanc).
 */
export const connectionTestResultSchema = z.object({ ok: z.boolean(), message: z.string(), milliseconds: z.number() });
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

/** POST /api/destinations for a DICOM C-STORE destination (newDestinationSchema on the server). */
export type NewDicomDestination = {
  kind: 'dicom';
  name: string;
  aet: string;
  host: string;
  port: number;
  concurrency: number;
  enabled: boolean;
  /** Confirm deliveries with storage commitment (the destination must know our AE title). */
  storageCommitment: boolean;
};

/**
 * PUT /api/destinations/:id (destinationChangeSchema): every setting but the name. For the HTTP
 * kinds no `password` field means "keep the stored one".
 */
export type DestinationChange =
  | Omit<NewDicomDestination, 'name'>
  | {
      kind: 'orthanc-peer' | 'dicomweb';
      url: string;
      username: string | null;
      concurrency: number;
      enabled: boolean;
    };

export function destinationPath(id: string, what?: 'test'): string {
  const base = `/api/destinations/${encodeURIComponent(id)}`;
  return what === undefined ? base : `${base}/${what}`;
}

export async function listDestinations(api: ApiClient, signal?: AbortSignal): Promise<Destination[]> {
  return (await api.get('/api/destinations', listSchema, { signal })).destinations;
}

export function createDestination(api: ApiClient, body: NewDicomDestination): Promise<DestinationChangeAnswer> {
  return api.post('/api/destinations', changeSchema, body);
}

export function updateDestination(
  api: ApiClient,
  id: string,
  body: DestinationChange,
): Promise<DestinationChangeAnswer> {
  return api.request('PUT', destinationPath(id), changeSchema, { body });
}

/** 409 while route jobs or rules refer to it: the server says which; disable it instead. */
export async function deleteDestination(api: ApiClient, id: string): Promise<Destination> {
  return (await api.request('DELETE', destinationPath(id), deletedSchema)).deleted;
}

/** C-ECHO through Orthanc; a failed test is an answer (ok: false), not an error. */
export function testDestination(api: ApiClient, id: string): Promise<ConnectionTestResult> {
  return api.post(destinationPath(id, 'test'), connectionTestResultSchema);
}
