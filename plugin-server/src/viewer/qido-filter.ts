// Filtering of a QIDO-RS answer across studies (DICOM JSON, PS3.18 F.2): only studies the
// principal may see survive. Pure functions; the proxy does the I/O.

import { z } from 'zod';
import type { StudyState } from '../domain/study-state.ts';

/** One QIDO result: attributes keyed by tag (`0020000D`), each `{ vr, Value? }`. */
const qidoResultSchema = z.record(z.string(), z.unknown());
export const qidoAnswerSchema = z.array(qidoResultSchema);
export type QidoResult = z.infer<typeof qidoResultSchema>;

const attributeSchema = z.looseObject({ vr: z.string().optional(), Value: z.array(z.unknown()).optional() });

export const STUDY_INSTANCE_UID_TAG = '0020000D';
export const STUDY_DESCRIPTION_TAG = '00081030';

/** The first value of a tag, if it is a string; tags are upper-case hex (F.2.1), but accept either. */
function firstString(result: QidoResult, tag: string): string | undefined {
  const attribute = attributeSchema.safeParse(result[tag] ?? result[tag.toLowerCase()]);
  if (!attribute.success) return undefined;
  const first = attribute.data.Value?.[0];
  return typeof first === 'string' ? first : undefined;
}

export function studyUidOf(result: QidoResult): string | undefined {
  return firstString(result, STUDY_INSTANCE_UID_TAG);
}

/** The StudyInstanceUIDs an answer names (results without one are dropped by the filter anyway). */
export function studyUidsOf(answer: readonly QidoResult[]): string[] {
  return answer.flatMap((result) => {
    const uid = studyUidOf(result);
    return uid === undefined ? [] : [uid];
  });
}

/**
 * The results whose study is visible, in Orthanc's order. A result without a StudyInstanceUID is
 * dropped: what cannot be checked is not shown.
 */
export function filterQidoAnswer<T>(
  answer: readonly QidoResult[],
  visible: ReadonlyMap<string, T>,
  decorate: (result: QidoResult, study: T) => QidoResult = (result) => result,
): QidoResult[] {
  return answer.flatMap((result) => {
    const uid = studyUidOf(result);
    const study = uid === undefined ? undefined : visible.get(uid);
    return study === undefined ? [] : [decorate(result, study)];
  });
}

/**
 * Prefixes the sidecar's state to Study Description (0008,1030): `[queued] CT HEAD`. OHIF's study
 * list has no column of its own for it, and the description column is shown and searchable. The
 * attribute is added when Orthanc left it out (no value in the study).
 */
export function withStateInDescription(result: QidoResult, state: StudyState): QidoResult {
  const description = firstString(result, STUDY_DESCRIPTION_TAG);
  const value = description === undefined || description === '' ? `[${state}]` : `[${state}] ${description}`;
  return { ...result, [STUDY_DESCRIPTION_TAG]: { vr: 'LO', Value: [value] } };
}
