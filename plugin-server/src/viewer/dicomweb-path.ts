// The DICOMweb paths the viewer proxy forwards, as an allow-list grammar (PS3.18 10.4 retrieve,
// 10.6 search; the rendered and bulk resources Orthanc's DICOMweb plugin 1.7 serves). Anything
// else is refused before Orthanc is asked: the proxy must never become a way into the rest of
// Orthanc's REST API (`/dicom-web/servers`, `/instances`, `/tools`, `..` segments).

export type SearchLevel = 'studies' | 'series' | 'instances';

export type DicomwebTarget =
  /** QIDO-RS across all studies (`/studies`, `/series`, `/instances`). */
  | { kind: 'search'; level: SearchLevel; path: string }
  /** Anything inside one study: retrieve, metadata, QIDO of its series/instances, frames, bulk. */
  | {
      kind: 'study';
      studyInstanceUid: string;
      /** QIDO inside the study (`/studies/{uid}/series`, `.../instances`): DICOM JSON answers. */
      search: boolean;
      path: string;
    };

/**
 * Digits separated by single dots (PS3.5 9.1, without the leading-zero and 64-character rules that
 * media from other hospitals sometimes break). Never `.` or `..`.
 */
const UID = /^[0-9]+(?:\.[0-9]+)*$/;
const MAX_UID_LENGTH = 128;
/** A frame list, PS3.18 10.4.1.1.6; OHIF may percent-encode the commas. */
const FRAME_LIST = /^[1-9][0-9]*(?:(?:,|%2[cC])[1-9][0-9]*)*$/;
/** Orthanc's bulk data paths: tags and sequence item indexes (`bulk/00282000`, `bulk/00540016/0/00181072`). */
const BULK_SEGMENT = /^(?:[0-9A-Fa-f]{8}|[0-9]+)$/;
const RENDERING = new Set(['rendered', 'thumbnail']);

function isUid(segment: string | undefined): segment is string {
  return segment !== undefined && segment.length <= MAX_UID_LENGTH && UID.test(segment);
}

/** Parses the path below the proxy's mount point (no query string); `undefined` when not allowed. */
export function parseDicomwebPath(path: string): DicomwebTarget | undefined {
  if (!path.startsWith('/')) return undefined;
  const segments = path.slice(1).split('/');
  const [first, studyUid, ...rest] = segments;
  if (segments.length === 1 && (first === 'studies' || first === 'series' || first === 'instances')) {
    return { kind: 'search', level: first, path: `/${first}` };
  }
  if (first !== 'studies' || !isUid(studyUid)) return undefined;
  const study = (search: boolean, tail: string[]): DicomwebTarget => ({
    kind: 'study',
    studyInstanceUid: studyUid,
    search,
    path: ['', 'studies', studyUid, ...tail].join('/'),
  });
  if (rest.length === 0) return study(false, []);
  const [resource, seriesUid, ...seriesRest] = rest;
  if (rest.length === 1 && resource !== undefined) {
    if (resource === 'series' || resource === 'instances') return study(true, [resource]);
    if (resource === 'metadata' || RENDERING.has(resource)) return study(false, [resource]);
    return undefined;
  }
  if (resource !== 'series' || !isUid(seriesUid)) return undefined;
  const series = seriesLevel(seriesRest);
  if (series === undefined) return undefined;
  return study(series.search, ['series', seriesUid, ...series.tail]);
}

function seriesLevel(rest: string[]): { search: boolean; tail: string[] } | undefined {
  const [resource, instanceUid, ...instanceRest] = rest;
  if (resource === undefined) return { search: false, tail: [] };
  if (rest.length === 1) {
    if (resource === 'instances') return { search: true, tail: [resource] };
    if (resource === 'metadata' || RENDERING.has(resource)) return { search: false, tail: [resource] };
    return undefined;
  }
  if (resource !== 'instances' || !isUid(instanceUid)) return undefined;
  const instance = instanceLevel(instanceRest);
  return instance === undefined ? undefined : { search: false, tail: ['instances', instanceUid, ...instance] };
}

function instanceLevel(rest: string[]): string[] | undefined {
  const [resource, argument, ...more] = rest;
  if (resource === undefined) return [];
  if (rest.length === 1 && (resource === 'metadata' || RENDERING.has(resource))) return [resource];
  if (resource === 'frames' && argument !== undefined && FRAME_LIST.test(argument)) {
    // Orthanc splits the frame list on literal commas only.
    const frames = argument.replace(/%2c/gi, ',');
    if (more.length === 0) return [resource, frames];
    const [rendering] = more;
    if (more.length === 1 && rendering !== undefined && RENDERING.has(rendering)) return [resource, frames, rendering];
    return undefined;
  }
  if (resource === 'bulk' && rest.length >= 2 && rest.slice(1).every((segment) => BULK_SEGMENT.test(segment))) {
    return rest;
  }
  return undefined;
}
