import { z } from 'zod';
import { isDomainError } from '../domain/errors.ts';
import type { Destination } from '../domain/routing.ts';
import type { OrthancClient } from '../orthanc/orthanc-client.ts';
import { checkDestinationHost, type HostCheckOptions } from './destination-host-check.ts';
import { modalityName, withModalityLock } from './destinations-store.ts';

// "Test connection" of a destination (issue #6): a C-ECHO through Orthanc for DICOM destinations,
// so the test goes over the same path (Orthanc's AE, this machine's network) as the C-STOREs.

export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  /** A sentence for the admin: what was tried and what answered. */
  message: z.string(),
  milliseconds: z.number(),
});
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;

export type EchoApi = Pick<OrthancClient, 'putModality' | 'echoModality'>;

export interface ConnectionTestOptions {
  hostCheck: HostCheckOptions;
  /** The C-ECHO's association timeout, and the HTTP request's. */
  timeoutSeconds?: number;
  /** The stored password of an HTTP destination. */
  password?: string | null;
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // "Orthanc refused the C-ECHO of x (HTTP 500: Error in the network protocol: DicomAssociation -
  // ... Connection refused)": the admin needs what is inside the parentheses.
  const inner = /^Orthanc refused .+? \(HTTP \d+: (.+)\)$/s.exec(error.message)?.[1];
  return inner ?? error.message;
}

/**
 * Tests one destination. Never throws for a failed test: the answer says what went wrong.
 * The host is checked again first (its DNS record may have changed since it was saved), and the
 * modality is put again before the echo, so the test uses the stored settings even when the last
 * sync failed.
 */
export async function testDestinationConnection(
  orthanc: EchoApi,
  destination: Destination,
  options: ConnectionTestOptions,
): Promise<ConnectionTestResult> {
  const started = performance.now();
  const result = (ok: boolean, message: string): ConnectionTestResult => ({
    ok,
    message,
    milliseconds: Math.round(performance.now() - started),
  });
  const aet = destination.aet;
  if (destination.kind !== 'dicom' || aet === null) {
    try {
      await checkDestinationHost(destination.host, options.hostCheck);
      return result(true, await httpProbe(destination, options));
    } catch (error) {
      return result(false, reasonOf(error));
    }
  }
  if (!destination.enabled) {
    return result(false, `${destination.name} is disabled: Orthanc does not know it; enable it to test it`);
  }
  try {
    await checkDestinationHost(destination.host, options.hostCheck);
  } catch (error) {
    return result(false, reasonOf(error));
  }
  const target = `${aet}@${destination.host}:${destination.port}`;
  const name = modalityName(destination);
  try {
    await withModalityLock(orthanc, async () => {
      await orthanc.putModality(name, { AET: aet, Host: destination.host, Port: destination.port });
      await orthanc.echoModality(name, options.timeoutSeconds ?? 5);
    });
  } catch (error) {
    // Orthanc answers a failed echo with HTTP 500 and "DicomAssociation" details; an unreachable
    // Orthanc is a different failure and says so.
    const where = isDomainError(error) && error.code === 'orthanc_unavailable' ? '' : ` to ${target}`;
    return result(false, `C-ECHO${where} failed: ${reasonOf(error)}`);
  }
  return result(true, `C-ECHO to ${target} answered`);
}

/**
 * An HTTP destination answers as what it claims to be: an Orthanc peer's `/system`, a DICOMweb
 * service's QIDO-RS `studies?limit=1`, with the stored credentials.
 */
async function httpProbe(destination: Destination, options: ConnectionTestOptions): Promise<string> {
  const base = (destination.url ?? '').replace(/\/?$/, '/');
  const path = destination.kind === 'orthanc-peer' ? 'system' : 'studies?limit=1';
  const headers: Record<string, string> = {
    accept: destination.kind === 'orthanc-peer' ? 'application/json' : 'application/dicom+json',
  };
  if (destination.username !== null) {
    const secret = `${destination.username}:${options.password ?? ''}`;
    headers['authorization'] = `Basic ${Buffer.from(secret).toString('base64')}`;
  }
  const response = await fetch(new URL(path, base), {
    headers,
    redirect: 'error',
    signal: AbortSignal.timeout((options.timeoutSeconds ?? 5) * 1000),
  });
  await response.arrayBuffer();
  if (response.status === 401 || response.status === 403) {
    throw new Error(`${destination.url ?? ''} refused the credentials (HTTP ${response.status})`);
  }
  if (!response.ok) throw new Error(`${destination.url ?? ''} answered HTTP ${response.status}`);
  return `${destination.kind === 'orthanc-peer' ? 'Orthanc peer' : 'DICOMweb service'} at ${destination.url ?? ''} answered`;
}
