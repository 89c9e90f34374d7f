import { describe, expect, it } from 'vitest';
import {
  connectionTestText,
  destinationChangeBody,
  destinationFormProblems,
  destinationTarget,
  EMPTY_DESTINATION_FORM,
  enabledChangeBody,
  formFromDestination,
  hasProblems,
  newDestinationBody,
  type DestinationFormValues,
} from './destination-form.ts';
import type { Destination } from './destinations.resource.ts';

const DICOM: Destination = {
  id: 'd1',
  name: 'radiology-pacs',
  kind: 'dicom',
  aet: 'RADPACS',
  host: 'pacs.example.org',
  port: 11112,
  url: null,
  username: null,
  hasPassword: false,
  concurrency: 2,
  enabled: true,
  storageCommitment: false,
  createdAt: '2024-03-01T10:00:00.000Z',
  updatedAt: '2024-03-01T10:00:00.000Z',
};

const PEER: Destination = {
  ...DICOM,
  id: 'd2',
  name: 'vna',
  kind: 'orthanc-peer',
  aet: null,
  host: 'vna.example.org',
  port: 443,
  url: 'https://vna.example.org/orthanc',
  username: 'router',
  hasPassword: true,
};

const VALID: DestinationFormValues = {
  name: ' cardiology-pacs ',
  aet: ' CARDPACS ',
  host: ' 10.1.2.3 ',
  port: ' 4242 ',
  concurrency: '3',
  enabled: true,
  storageCommitment: false,
};

describe('destination form', () => {
  it('turns checked values into the bodies of POST and PUT', () => {
    expect(destinationFormProblems(VALID, 'create')).toEqual({});
    expect(newDestinationBody(VALID)).toEqual({
      name: 'cardiology-pacs',
      kind: 'dicom',
      aet: 'CARDPACS',
      host: '10.1.2.3',
      port: 4242,
      concurrency: 3,
      enabled: true,
      storageCommitment: false,
    });
    // The name is not part of a change: rules refer to a destination by it.
    expect(destinationChangeBody({ ...VALID, enabled: false, storageCommitment: true })).toEqual({
      kind: 'dicom',
      aet: 'CARDPACS',
      host: '10.1.2.3',
      port: 4242,
      concurrency: 3,
      enabled: false,
      storageCommitment: true,
    });
  });

  it.each<[string, Partial<DestinationFormValues>, 'create' | 'edit', string[]]>([
    ['an empty form', {}, 'create', ['name', 'aet', 'host']],
    ['a name with a space', { name: 'rad pacs' }, 'create', ['name']],
    ['a bad name when editing (not sent)', { name: 'rad pacs' }, 'edit', []],
    ['an AE title of 17 characters', { aet: 'ABCDEFGHIJKLMNOPQ' }, 'create', ['aet']],
    ['an AE title with a backslash', { aet: 'RAD\\PACS' }, 'create', ['aet']],
    ['port 0', { port: '0' }, 'create', ['port']],
    ['port 65536', { port: '65536' }, 'create', ['port']],
    ['a port that is not a number', { port: '11112a' }, 'create', ['port']],
    ['concurrency 9', { concurrency: '9' }, 'create', ['concurrency']],
    ['a host with a space', { host: 'pacs example' }, 'create', ['host']],
  ])('finds the problems of %s', (_title, change, mode, fields) => {
    const base = Object.keys(change).length === 0 ? EMPTY_DESTINATION_FORM : VALID;
    const problems = destinationFormProblems({ ...base, ...change }, mode);
    expect(Object.keys(problems).sort()).toEqual([...fields].sort());
    expect(hasProblems(problems)).toBe(fields.length > 0);
  });

  it('fills the form from a destination and writes its target', () => {
    expect(formFromDestination(DICOM)).toEqual({
      name: 'radiology-pacs',
      aet: 'RADPACS',
      host: 'pacs.example.org',
      port: '11112',
      concurrency: '2',
      enabled: true,
      storageCommitment: false,
    });
    expect(destinationTarget(DICOM)).toBe('RADPACS @ pacs.example.org:11112');
    expect(destinationTarget({ ...DICOM, host: 'fd00::5' })).toBe('RADPACS @ [fd00::5]:11112');
    expect(destinationTarget(PEER)).toBe('https://vna.example.org/orthanc');
  });

  it('enables or disables with the stored settings, never with a password', () => {
    expect(enabledChangeBody(DICOM, false)).toEqual({
      kind: 'dicom',
      aet: 'RADPACS',
      host: 'pacs.example.org',
      port: 11112,
      concurrency: 2,
      enabled: false,
      storageCommitment: false,
    });
    // A stored storage commitment setting survives disabling.
    expect(enabledChangeBody({ ...DICOM, storageCommitment: true }, false)).toMatchObject({ storageCommitment: true });
    const peer = enabledChangeBody(PEER, false);
    expect(peer).toEqual({
      kind: 'orthanc-peer',
      url: 'https://vna.example.org/orthanc',
      username: 'router',
      concurrency: 2,
      enabled: false,
    });
    expect('password' in peer).toBe(false);
  });

  it('writes a connection test in one line', () => {
    expect(connectionTestText({ ok: true, message: 'C-ECHO to RADPACS@h:1 answered', milliseconds: 12.4 })).toBe(
      'OK (12 ms): C-ECHO to RADPACS@h:1 answered',
    );
    expect(connectionTestText({ ok: false, message: 'C-ECHO failed: refused', milliseconds: 5003 })).toBe(
      'Failed (5,003 ms): C-ECHO failed: refused',
    );
  });
});
