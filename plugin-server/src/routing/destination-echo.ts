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
  /** The C-ECHO's association timeout. */
  timeoutSeconds?: number;
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
    return result(false, `testing ${destination.kind} destinations is not supported yet`);
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
