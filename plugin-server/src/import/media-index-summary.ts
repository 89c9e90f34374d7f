import type { MediaIndexSummary } from '../domain/import-session.ts';
import type { DicomdirCrossCheck } from './scan-types.ts';

const LISTED = 20;

/** Keeps what a person reads from a DICOMDIR check: counts, and the first few paths of each list. */
export function summarizeMediaIndex(check: DicomdirCrossCheck, pathPrefix = ''): MediaIndexSummary {
  return {
    dicomdirs: check.dicomdirs.map((dicomdir) => ({
      path: pathPrefix + dicomdir.path,
      error: dicomdir.error ?? null,
      declared: dicomdir.contents?.declared ?? null,
      missing: dicomdir.missing.slice(0, LISTED).map((reference) => pathPrefix + reference.path),
      missingCount: dicomdir.missing.length,
      refused: (dicomdir.contents?.refused ?? [])
        .slice(0, LISTED)
        .map(({ ReferencedFileID, message }) => ({ ReferencedFileID, message })),
      mismatchedCount: dicomdir.mismatched.length,
    })),
    unlisted: check.unlisted.slice(0, LISTED).map((path) => pathPrefix + path),
    unlistedCount: check.unlisted.length,
    clean: check.clean,
  };
}
