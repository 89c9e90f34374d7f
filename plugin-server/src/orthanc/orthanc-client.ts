import { createClient, createConfig, type Client } from '@outside/orthanc-config/generated/client';
import { deleteChanges, deleteStudiesById, postInstances } from '@outside/orthanc-config/generated';
import { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import {
  orthancChangesSchema,
  orthancErrorBodySchema,
  orthancInstanceListSchema,
  orthancJobSchema,
  orthancJobStartedSchema,
  orthancLookupSchema,
  orthancPatientSchema,
  orthancStorageCommitmentSchema,
  orthancSeriesListSchema,
  orthancSimplifiedTagsSchema,
  orthancStudyIdsSchema,
  orthancStudySchema,
  orthancSystemSchema,
  orthancUploadResultSchema,
  type OrthancChanges,
  type OrthancInstanceList,
  type OrthancJob,
  type OrthancLookup,
  type OrthancPatient,
  type OrthancStorageCommitment,
  type OrthancSeries,
  type OrthancStudy,
  type OrthancSystem,
  type OrthancUploadResult,
} from './orthanc-schemas.ts';

export interface OrthancConnection {
  url: string;
  username: string;
  password: string;
  timeoutMs: number;
}

/** Turns Orthanc's error body (HttpError, Message, OrthancStatus) into the one domain error. */
export function orthancError(status: number, body: unknown, what: string): DomainError {
  const parsed = orthancErrorBodySchema.safeParse(body);
  const detail = parsed.success
    ? [parsed.data.Message, parsed.data.Details].filter((part) => part !== undefined && part !== '').join(': ')
    : '';
  const details = {
    httpStatus: status,
    orthancStatus: parsed.success ? parsed.data.OrthancStatus : undefined,
    orthancError: parsed.success ? parsed.data.OrthancError : undefined,
  };
  const message = `Orthanc refused ${what} (HTTP ${status}${detail === '' ? '' : `: ${detail}`})`;
  return new DomainError(status === 404 ? 'not_found' : 'orthanc_error', message, details);
}

function unreachable(error: unknown, what: string): DomainError {
  const reason =
    error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return new DomainError('orthanc_unavailable', `Orthanc could not be reached for ${what}: ${reason}`, undefined, {
    cause: error,
  });
}

/**
 * The sidecar's door to the staging Orthanc. Routes documented in Orthanc's OpenAPI go through
 * the generated client; the GET routes that Orthanc 1.10.1 leaves undocumented are written here.
 * Every response we rely on is validated, and every failure becomes a DomainError.
 */
export class OrthancClient {
  readonly url: string;
  /** The Basic authorization header value (also used by the streaming uploader). */
  readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly generated: Client;

  constructor(connection: OrthancConnection) {
    this.url = connection.url.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${connection.username}:${connection.password}`).toString('base64')}`;
    this.timeoutMs = connection.timeoutMs;
    this.generated = createClient(
      createConfig({ baseUrl: this.url, headers: { authorization: this.authorization }, throwOnError: false }),
    );
  }

  private getJson<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T> {
    return this.requestJson('GET', path, undefined, schema, what);
  }

  private async send(method: string, path: string, body: string | undefined, what: string) {
    try {
      return await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: this.authorization, accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw unreachable(error, what);
    }
  }

  private async requestJson<T>(
    method: string,
    path: string,
    body: string | undefined,
    schema: z.ZodType<T>,
    what: string,
  ): Promise<T> {
    const response = await this.send(method, path, body, what);
    const text = await response.text();
    let answer: unknown = undefined;
    try {
      answer = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: reported below by status or by validation
    }
    if (!response.ok) throw orthancError(response.status, answer, what);
    const parsed = schema.safeParse(answer);
    if (!parsed.success) {
      throw new DomainError(
        'orthanc_error',
        `unexpected Orthanc answer for ${what}: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    return parsed.data;
  }

  private async generatedCall<T>(
    what: string,
    call: () => Promise<{ data?: unknown; error?: unknown; response?: Response }>,
    schema: z.ZodType<T>,
  ): Promise<T> {
    let result: { data?: unknown; error?: unknown; response?: Response };
    try {
      result = await call();
    } catch (error) {
      throw unreachable(error, what);
    }
    const status = result.response?.status ?? 0;
    if (result.response === undefined || !result.response.ok) throw orthancError(status, result.error, what);
    const parsed = schema.safeParse(result.data);
    if (!parsed.success) throw new DomainError('orthanc_error', `unexpected Orthanc answer for ${what}`);
    return parsed.data;
  }

  system(): Promise<OrthancSystem> {
    return this.getJson('/system', orthancSystemSchema, 'the system information');
  }

  changes(since: number, limit: number): Promise<OrthancChanges> {
    return this.getJson(`/changes?since=${since}&limit=${limit}`, orthancChangesSchema, 'the changes log');
  }

  studyIds(): Promise<string[]> {
    return this.getJson('/studies', orthancStudyIdsSchema, 'the study list');
  }

  study(id: string): Promise<OrthancStudy> {
    return this.getJson(`/studies/${encodeURIComponent(id)}`, orthancStudySchema, `study ${id}`);
  }

  studySeries(id: string): Promise<OrthancSeries[]> {
    return this.getJson(
      `/studies/${encodeURIComponent(id)}/series`,
      orthancSeriesListSchema,
      `the series of study ${id}`,
    );
  }

  instanceTags(id: string): Promise<Record<string, unknown>> {
    return this.getJson(
      `/instances/${encodeURIComponent(id)}/tags?simplify`,
      orthancSimplifiedTagsSchema,
      `the tags of instance ${id}`,
    );
  }

  /** A PNG rendering of one instance (Orthanc's `/preview`), as bytes. */
  async instancePreview(id: string): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await fetch(`${this.url}/instances/${encodeURIComponent(id)}/preview`, {
        headers: { authorization: this.authorization, accept: 'image/png' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw unreachable(error, `the preview of instance ${id}`);
    }
    if (!response.ok) {
      const text = await response.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      throw orthancError(response.status, body, `the preview of instance ${id}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  uploadInstance(body: Uint8Array): Promise<OrthancUploadResult> {
    return this.generatedCall(
      'an uploaded instance',
      () =>
        postInstances({
          client: this.generated,
          body,
          bodySerializer: null,
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      orthancUploadResultSchema,
    );
  }

  async deleteStudy(id: string): Promise<void> {
    await this.generatedCall(
      `deletion of study ${id}`,
      () => deleteStudiesById({ client: this.generated, path: { id } }),
      z.unknown(),
    );
  }

  /** Every Orthanc resource carrying a DICOM identifier (e.g. all studies of one StudyInstanceUID). */
  lookup(dicomIdentifier: string): Promise<OrthancLookup> {
    return this.requestJson('POST', '/tools/lookup', dicomIdentifier, orthancLookupSchema, 'a lookup');
  }

  studyInstances(id: string): Promise<OrthancInstanceList> {
    return this.getJson(
      `/studies/${encodeURIComponent(id)}/instances`,
      orthancInstanceListSchema,
      `the instances of study ${id}`,
    );
  }

  patient(id: string): Promise<OrthancPatient> {
    return this.getJson(`/patients/${encodeURIComponent(id)}`, orthancPatientSchema, `patient ${id}`);
  }

  /** Tags in short form (`gggg,eeee` keys): sequences come back whole, ready for `Replace`. */
  instanceShortTags(id: string): Promise<Record<string, unknown>> {
    return this.getJson(
      `/instances/${encodeURIComponent(id)}/tags?short`,
      orthancSimplifiedTagsSchema,
      `the tags of instance ${id}`,
    );
  }

  /** A modified copy of one instance, as DICOM bytes (Orthanc stores nothing). */
  async modifiedInstance(id: string, modification: Record<string, unknown>): Promise<Uint8Array> {
    const what = `the modification of instance ${id}`;
    const response = await this.send(
      'POST',
      `/instances/${encodeURIComponent(id)}/modify`,
      JSON.stringify(modification),
      what,
    );
    if (!response.ok) throw orthancError(response.status, await jsonOrUndefined(response), what);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Starts an asynchronous patient-level modification; returns the Orthanc job id. */
  async startPatientModification(id: string, modification: Record<string, unknown>): Promise<string> {
    const started = await this.requestJson(
      'POST',
      `/patients/${encodeURIComponent(id)}/modify`,
      JSON.stringify({ ...modification, Asynchronous: true }),
      orthancJobStartedSchema,
      `the modification of patient ${id}`,
    );
    return started.ID;
  }

  job(id: string): Promise<OrthancJob> {
    return this.getJson(`/jobs/${encodeURIComponent(id)}`, orthancJobSchema, `job ${id}`);
  }

  /** Deletes exactly these resources (instances here), in one call. */
  async bulkDelete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.requestJson(
      'POST',
      '/tools/bulk-delete',
      JSON.stringify({ Resources: ids }),
      z.unknown(),
      `the deletion of ${ids.length} resources`,
    );
  }

  /** Creates or updates a DICOM modality (a C-STORE destination) in Orthanc's database. */
  async putModality(name: string, modality: { AET: string; Host: string; Port: number }): Promise<void> {
    await this.requestJson(
      'PUT',
      `/modalities/${encodeURIComponent(name)}`,
      JSON.stringify(modality),
      z.unknown(),
      `the modality ${name}`,
    );
  }

  async deleteModality(name: string): Promise<void> {
    await this.requestJson(
      'DELETE',
      `/modalities/${encodeURIComponent(name)}`,
      undefined,
      z.unknown(),
      `modality ${name}`,
    );
  }

  /** C-ECHO through Orthanc; resolves when the modality answered. */
  async echoModality(name: string, timeoutSeconds = 10): Promise<void> {
    await this.requestJson(
      'POST',
      `/modalities/${encodeURIComponent(name)}/echo`,
      JSON.stringify({ Timeout: timeoutSeconds }),
      z.unknown(),
      `the C-ECHO of ${name}`,
    );
  }

  /**
   * C-FIND through Orthanc at `level`, returning the answers' tags (`?simplify`). Orthanc keeps
   * the query as a resource; it expires on its own.
   */
  async findAtModality(
    name: string,
    level: 'Study' | 'Series' | 'Instance',
    query: Record<string, string>,
    timeoutSeconds = 30,
  ): Promise<Record<string, unknown>[]> {
    const started = await this.requestJson(
      'POST',
      `/modalities/${encodeURIComponent(name)}/query`,
      JSON.stringify({ Level: level, Query: query, Timeout: timeoutSeconds }),
      z.looseObject({ ID: z.string() }),
      `a C-FIND at ${name}`,
    );
    return this.requestJson(
      'GET',
      `/queries/${encodeURIComponent(started.ID)}/answers?expand&simplify`,
      undefined,
      z.array(z.record(z.string(), z.unknown())),
      `the C-FIND answers of ${name}`,
    );
  }

  /**
   * C-STORE of these instances to a modality, synchronously (one association, Orthanc's job).
   * With `storageCommitment`, returns the transaction UID whose report says what was committed.
   */
  async storeToModality(
    name: string,
    instanceIds: readonly string[],
    options: { storageCommitment?: boolean; timeoutSeconds?: number } = {},
  ): Promise<string | undefined> {
    const result = await this.requestJson(
      'POST',
      `/modalities/${encodeURIComponent(name)}/store`,
      JSON.stringify({
        Resources: instanceIds,
        Synchronous: true,
        Timeout: options.timeoutSeconds ?? 120,
        ...(options.storageCommitment === true ? { StorageCommitment: true } : {}),
      }),
      z.looseObject({ StorageCommitmentTransactionUID: z.string().optional() }),
      `the C-STORE of ${instanceIds.length} instances to ${name}`,
    );
    return result.StorageCommitmentTransactionUID;
  }

  /** The storage commitment report of a transaction (Pending until the N-EVENT-REPORT arrives). */
  storageCommitmentReport(transactionUid: string): Promise<OrthancStorageCommitment> {
    return this.getJson(
      `/storage-commitment/${encodeURIComponent(transactionUid)}`,
      orthancStorageCommitmentSchema,
      `storage commitment ${transactionUid}`,
    );
  }

  /** Creates or updates an Orthanc peer (an HTTP destination) in Orthanc's database. */
  async putPeer(name: string, peer: { Url: string; Username?: string; Password?: string }): Promise<void> {
    await this.requestJson(
      'PUT',
      `/peers/${encodeURIComponent(name)}`,
      JSON.stringify(peer),
      z.unknown(),
      `peer ${name}`,
    );
  }

  /** Sends these instances to an Orthanc peer over HTTP, synchronously. */
  async storeToPeer(name: string, instanceIds: readonly string[]): Promise<void> {
    await this.requestJson(
      'POST',
      `/peers/${encodeURIComponent(name)}/store`,
      JSON.stringify({ Resources: instanceIds, Synchronous: true }),
      z.unknown(),
      `the transfer of ${instanceIds.length} instances to peer ${name}`,
    );
  }

  /** Creates or updates a DICOMweb server (a STOW-RS destination) in the DICOMweb plugin. */
  async putDicomWebServer(name: string, server: { Url: string; Username?: string; Password?: string }): Promise<void> {
    await this.requestJson(
      'PUT',
      `/dicom-web/servers/${encodeURIComponent(name)}`,
      JSON.stringify(server),
      z.unknown(),
      `DICOMweb server ${name}`,
    );
  }

  /** STOW-RS of these instances to a DICOMweb server, synchronously. */
  async stowToDicomWebServer(name: string, instanceIds: readonly string[]): Promise<void> {
    await this.requestJson(
      'POST',
      `/dicom-web/servers/${encodeURIComponent(name)}/stow`,
      JSON.stringify({ Resources: instanceIds, Synchronous: true }),
      z.unknown(),
      `the STOW-RS of ${instanceIds.length} instances to ${name}`,
    );
  }

  /** A QIDO-RS query sent to a DICOMweb server through the plugin; DICOM JSON answers. */
  async qidoAtDicomWebServer(
    name: string,
    uri: string,
    query: Record<string, string> = {},
  ): Promise<Record<string, unknown>[]> {
    const response = await this.send(
      'POST',
      `/dicom-web/servers/${encodeURIComponent(name)}/get`,
      JSON.stringify({ Uri: uri, Arguments: query }),
      `a QIDO-RS query to ${name}`,
    );
    const text = await response.text();
    if (!response.ok)
      throw orthancError(response.status, undefined, `a QIDO-RS query to ${name}: ${text.slice(0, 200)}`);
    if (text.trim() === '') return [];
    return z.array(z.record(z.string(), z.unknown())).parse(JSON.parse(text));
  }

  async clearChanges(): Promise<void> {
    await this.generatedCall('clearing the changes log', () => deleteChanges({ client: this.generated }), z.unknown());
  }
}

async function jsonOrUndefined(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text());
  } catch {
    return undefined;
  }
}
