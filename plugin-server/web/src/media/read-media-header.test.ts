import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDicomHeader } from '../../../src/import/read-dicom-header.ts';
import { syntheticInstance } from '../../../../test/fixtures/synthetic-dicom.ts';
import { JUNK_FILES } from '../../../../test/fixtures/synthetic-media.ts';
import { PYDICOM_TEST_FILES } from '../../../../test/support/pydicom-files.ts';
import { HEADER_BYTES, readMediaHeader } from './read-media-header.ts';

function blobOf(bytes: Uint8Array): Blob {
  return new Blob([new Uint8Array(bytes)]);
}

describe('readMediaHeader (the pre-upload summary, in the browser)', () => {
  it('reads the identifying attributes of a Part 10 instance from its first 64 KiB', async () => {
    const instance = syntheticInstance({ studyDescription: 'CT THORAX', institutionName: 'St. Elsewhere' });
    expect(instance.bytes.length).toBeGreaterThan(HEADER_BYTES);
    const file = await readMediaHeader('DICOM/IM000000', blobOf(instance.bytes));
    expect(file.outcome).toBe('dicom');
    expect(file.header).toMatchObject({
      SOPInstanceUID: instance.SOPInstanceUID,
      PatientID: instance.patient.id,
      PatientName: instance.patient.name,
      StudyDescription: 'CT THORAX',
      InstitutionName: 'St. Elsewhere',
      Modality: 'CT',
    });
  });

  it('labels the junk on a CD as not DICOM', async () => {
    for (const [name, content] of Object.entries(JUNK_FILES)) {
      const file = await readMediaHeader(name, blobOf(content));
      expect(file.outcome, name).toBe('not-dicom');
    }
  });

  // Every file of pydicom's test set: the browser must call DICOM, DICOMDIR, not DICOM and damaged
  // exactly as the sidecar's scanner does. The browser reads 64 KiB only, so in a larger file it
  // cannot see pixel data that is cut short (the server reports those after upload); such a file
  // is still uploaded, so it must never be called not DICOM.
  const names = readdirSync(PYDICOM_TEST_FILES).filter((name) => statSync(join(PYDICOM_TEST_FILES, name)).isFile());
  it.each(names)('agrees with the sidecar scanner on %s', async (name) => {
    const path = join(PYDICOM_TEST_FILES, name);
    const server = await readDicomHeader(path, { initialHeaderBytes: 64 * 1024, maxHeaderBytes: 16 * 1024 * 1024 });
    const bytes = readFileSync(path);
    const browser = await readMediaHeader(name, blobOf(bytes));
    if (bytes.length > HEADER_BYTES && server.outcome === 'corrupt' && browser.outcome === 'dicom') return;
    expect(browser.outcome, browser.reason).toBe(server.outcome);
    expect(browser.reasonCode).toBe(server.reasonCode);
    if (server.outcome === 'dicom') {
      for (const keyword of [
        'SOPInstanceUID',
        'StudyInstanceUID',
        'SeriesInstanceUID',
        'PatientID',
        'PatientName',
        'StudyDate',
        'StudyDescription',
        'Modality',
      ] as const) {
        expect(browser.header?.[keyword], keyword).toBe(server.header?.[keyword]);
      }
    }
  });
});
