// Outside studies as the sidecar tracks them (state, original identifiers), and their thumbnails.

import { z } from 'zod';
import { studySchema, type Study } from '../../../src/domain/study.ts';
import type { StudyState } from '../../../src/domain/study-state.ts';
import type { ApiClient } from '../api/api-client.ts';

export type { Study, StudyState };
export { STUDY_STATES } from '../../../src/domain/study-state.ts';

const studyListSchema = z.object({ studies: z.array(studySchema) });

export async function listStudies(
  api: ApiClient,
  options: { limit?: number; state?: StudyState; signal?: AbortSignal } = {},
): Promise<Study[]> {
  const query = new URLSearchParams({ limit: String(options.limit ?? 100) });
  if (options.state !== undefined) query.set('state', options.state);
  const answer = await api.get(`/api/studies?${query.toString()}`, studyListSchema, { signal: options.signal });
  return answer.studies;
}

/** The thumbnail (PNG rendered by Orthanc, fetched through the sidecar); the answer may be 404. */
export function thumbnailUrl(studyId: string): string {
  return `/api/studies/${encodeURIComponent(studyId)}/thumbnail`;
}
