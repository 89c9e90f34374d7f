// The OHIF viewer, served by the sidecar under /viewer/, opens one study in our review mode.
export function viewerUrl(studyInstanceUid: string): string {
  return `/viewer/outside-review?StudyInstanceUIDs=${encodeURIComponent(studyInstanceUid)}`;
}
