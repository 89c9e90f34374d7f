// A study's thumbnail, rendered by Orthanc and fetched through the sidecar (which checks the
// session). Studies without one (404, not rendered yet, no image) get a neutral placeholder.

import { useState } from 'react';
import { thumbnailUrl } from './studies.resource.ts';

export function StudyThumbnail({ studyId, modalities }: { studyId: string | null; modalities: readonly string[] }) {
  const [failed, setFailed] = useState(false);
  if (studyId === null || failed) {
    return (
      <div className="thumbnail thumbnail--placeholder" role="img" aria-label="No preview available">
        <span aria-hidden="true">{modalities[0] ?? '—'}</span>
      </div>
    );
  }
  return (
    <img
      className="thumbnail"
      src={thumbnailUrl(studyId)}
      alt="Study preview"
      width={72}
      height={72}
      loading="lazy"
      decoding="async"
      onError={() => setFailed(true)}
    />
  );
}
