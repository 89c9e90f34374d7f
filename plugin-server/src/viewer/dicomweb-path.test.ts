import { describe, expect, it } from 'vitest';
import { parseDicomwebPath } from './dicomweb-path.ts';

const STUDY = '1.2.840.113619.2.55.3';
const SERIES = '1.2.840.113619.2.55.3.4';
const INSTANCE = '1.2.840.113619.2.55.3.4.5';

describe('parseDicomwebPath', () => {
  it.each([
    ['/studies', { kind: 'search', level: 'studies', path: '/studies' }],
    ['/series', { kind: 'search', level: 'series', path: '/series' }],
    ['/instances', { kind: 'search', level: 'instances', path: '/instances' }],
  ])('%s is a search across studies', (path, expected) => {
    expect(parseDicomwebPath(path)).toEqual(expected);
  });

  it.each([
    [`/studies/${STUDY}`, false],
    [`/studies/${STUDY}/metadata`, false],
    [`/studies/${STUDY}/rendered`, false],
    [`/studies/${STUDY}/series`, true],
    [`/studies/${STUDY}/instances`, true],
    [`/studies/${STUDY}/series/${SERIES}`, false],
    [`/studies/${STUDY}/series/${SERIES}/metadata`, false],
    [`/studies/${STUDY}/series/${SERIES}/thumbnail`, false],
    [`/studies/${STUDY}/series/${SERIES}/instances`, true],
    [`/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}`, false],
    [`/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/metadata`, false],
    [`/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/rendered`, false],
    [`/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/frames/1`, false],
    [`/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/frames/1,2,3/rendered`, false],
    [`/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/bulk/7fe00010`, false],
    [`/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/bulk/00540016/0/00181072`, false],
  ])('%s is inside the study (search: %s)', (path, search) => {
    expect(parseDicomwebPath(path)).toEqual({ kind: 'study', studyInstanceUid: STUDY, search, path });
  });

  it('decodes percent-encoded commas of a frame list, which Orthanc splits on literal commas', () => {
    const path = `/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/frames/1%2C2%2c3`;
    expect(parseDicomwebPath(path)).toMatchObject({
      path: `/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/frames/1,2,3`,
    });
  });

  it.each([
    '',
    '/',
    '/studies/',
    '/studies/../instances',
    '/studies/..',
    '/studies/.',
    '/studies/1..2',
    '/studies/1.2./series',
    '/studies/%2E%2E/instances',
    `/studies/${STUDY}/../../tools/find`,
    `/studies/${STUDY}/series/..`,
    `/studies/${'1.'.repeat(70)}1`,
    '/servers',
    '/servers/pacs/stow',
    '/wado',
    '/studies/abc',
    `/studies/${STUDY}/nothing`,
    `/studies/${STUDY}/series/${SERIES}/nothing`,
    `/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/frames`,
    `/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/frames/0`,
    `/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/frames/1;2`,
    `/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/frames/1/rendered/x`,
    `/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/bulk`,
    `/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/bulk/..`,
    `/studies/${STUDY}/series/${SERIES}/instances/${INSTANCE}/metadata/x`,
    `/studies/${STUDY}/metadata/x`,
    `/studies/${STUDY}/series/`,
    'studies',
  ])('refuses %j', (path) => {
    expect(parseDicomwebPath(path)).toBeUndefined();
  });
});
