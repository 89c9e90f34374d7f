import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.ts';
import type { Destination } from '../domain/routing.ts';
import { testDestinationConnection, type EchoApi } from './destination-echo.ts';
import { dicomDestination } from './routing-fixtures.ts';

const destination: Destination = {
  id: 'd1',
  ...dicomDestination('radiology-pacs'),
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

function fakeOrthanc(echo: () => Promise<void>): EchoApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async putModality(name, modality) {
      calls.push(`put ${name} ${modality.AET}@${modality.Host}:${modality.Port}`);
    },
    async echoModality(name, timeoutSeconds) {
      calls.push(`echo ${name} ${timeoutSeconds}`);
      await echo();
    },
  };
}

const options = { hostCheck: { allowLoopback: false } };

describe('testDestinationConnection', () => {
  it('puts the modality again, then C-ECHOes it', async () => {
    const orthanc = fakeOrthanc(async () => undefined);
    const result = await testDestinationConnection(orthanc, destination, options);
    expect(result).toMatchObject({ ok: true, message: 'C-ECHO to RADPACS@10.0.0.5:104 answered' });
    expect(orthanc.calls).toEqual(['put radiology-pacs RADPACS@10.0.0.5:104', 'echo radiology-pacs 5']);
  });

  it("keeps what matters of Orthanc's refusal", async () => {
    const orthanc = fakeOrthanc(async () => {
      throw new DomainError(
        'orthanc_error',
        'Orthanc refused the C-ECHO of radiology-pacs (HTTP 500: Error in the network protocol: DicomAssociation - connecting to AET "RADPACS": TCP Initialization Error: Connection refused)',
      );
    });
    expect((await testDestinationConnection(orthanc, destination, options)).message).toBe(
      'C-ECHO to RADPACS@10.0.0.5:104 failed: Error in the network protocol: DicomAssociation - connecting to AET "RADPACS": TCP Initialization Error: Connection refused',
    );
  });

  it('says so when Orthanc itself cannot be reached', async () => {
    const orthanc = fakeOrthanc(async () => {
      throw new DomainError('orthanc_unavailable', 'Orthanc could not be reached for the C-ECHO: ECONNREFUSED');
    });
    expect(await testDestinationConnection(orthanc, destination, options)).toMatchObject({
      ok: false,
      message: 'C-ECHO failed: Orthanc could not be reached for the C-ECHO: ECONNREFUSED',
    });
  });

  it.each([
    [{ ...destination, kind: 'dicomweb', aet: null, host: '127.0.0.1' } as const, /loopback/],
    [{ ...destination, enabled: false }, 'radiology-pacs is disabled: Orthanc does not know it; enable it to test it'],
    [{ ...destination, host: '127.0.0.1' }, /loopback.*allowLoopbackDestinations/],
  ])('does not contact anything for %j', async (target, message) => {
    const orthanc = fakeOrthanc(async () => undefined);
    const result = await testDestinationConnection(orthanc, target, options);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(message);
    expect(orthanc.calls).toEqual([]);
  });
});
