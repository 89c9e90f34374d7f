// The inbox list: imports newest first, each with its studies joined to the sidecar's study rows
// (state, institution), filtered by free text and by study state. Pure.

import type { ImportSession } from '../import/imports.resource.ts';
import { formatPersonName } from '../format/format.ts';
import type { Study, StudyState } from './studies.resource.ts';

export type ImportStudy = ImportSession['studies'][number];

export type InboxStudy = { study: ImportStudy; tracked: Study | undefined };
export type InboxEntry = { session: ImportSession; studies: InboxStudy[] };

export type InboxFilter = { text: string; state: StudyState | '' };

export function buildInbox(
  imports: readonly ImportSession[],
  studies: readonly Study[],
  filter: InboxFilter,
): InboxEntry[] {
  const byId = new Map(studies.map((study) => [study.id, study]));
  const byUid = new Map(studies.map((study) => [study.StudyInstanceUID, study]));
  const words = filter.text
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
  const filtering = words.length > 0 || filter.state !== '';
  const entries: InboxEntry[] = [];
  for (const session of [...imports].sort((a, b) =>
    a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0,
  )) {
    const joined = session.studies.map((study) => ({
      study,
      tracked: (study.studyId === null ? undefined : byId.get(study.studyId)) ?? byUid.get(study.StudyInstanceUID),
    }));
    if (!filtering) {
      entries.push({ session, studies: joined });
      continue;
    }
    const sessionText = [session.sourceLabel, session.patient.mrn ?? '', session.patient.name ?? ''].join(' ');
    const matching = joined.filter(({ study, tracked }) => {
      if (filter.state !== '' && tracked?.state !== filter.state) return false;
      const haystack = [
        study.patientId,
        study.patientName,
        formatPersonName(study.patientName),
        study.studyDescription,
        tracked?.institutionName ?? '',
        sessionText,
      ]
        .join(' ')
        .toLowerCase();
      return words.every((word) => haystack.includes(word));
    });
    if (matching.length > 0) entries.push({ session, studies: matching });
  }
  return entries;
}
