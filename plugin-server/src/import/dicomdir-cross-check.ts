// Compares what each DICOMDIR declares with the files the walk actually found. Pure.
//
// Every DICOMDIR on the medium is checked (a zip may hold several discs, each with its own), its
// references resolved against its own folder. Matching is case-insensitive (mediaPathKey), as on
// the ISO 9660 media the DICOMDIR was written for.

import { mediaPathKey } from './dicomdir-paths.ts';
import type { DicomdirContents, DicomdirCrossCheck, DicomdirReport, ScannedFile } from './scan-types.ts';

export type DicomdirSource = { path: string } & ({ contents: DicomdirContents } | { error: string });

export function crossCheckDicomdirs(
  files: readonly ScannedFile[],
  sources: readonly DicomdirSource[],
): DicomdirCrossCheck {
  const byKey = new Map<string, ScannedFile>();
  for (const file of files) {
    const key = mediaPathKey(file.path);
    if (!byKey.has(key)) byKey.set(key, file);
  }
  const listed = new Set<string>();
  const dicomdirs = sources.map((source): DicomdirReport => {
    const report: DicomdirReport = { path: source.path, missing: [], mismatched: [], listedNotDicom: [] };
    if ('error' in source) return { ...report, error: source.error };
    report.contents = source.contents;
    for (const reference of source.contents.references) {
      const file = byKey.get(mediaPathKey(reference.path));
      if (file === undefined) {
        report.missing.push(reference);
        continue;
      }
      listed.add(file.path);
      if (file.outcome !== 'dicom') {
        report.listedNotDicom.push({ path: file.path, outcome: file.outcome });
        continue;
      }
      const declared = reference.ReferencedSOPInstanceUIDInFile;
      const found = file.header?.SOPInstanceUID ?? '';
      if (declared !== undefined && declared !== found) {
        report.mismatched.push({ path: file.path, declaredSOPInstanceUID: declared, foundSOPInstanceUID: found });
      }
    }
    return report;
  });
  const anyParsed = dicomdirs.some((report) => report.contents !== undefined);
  const unlisted = anyParsed
    ? files.filter((file) => file.outcome === 'dicom' && !listed.has(file.path)).map((file) => file.path)
    : [];
  const clean =
    dicomdirs.length > 0 &&
    unlisted.length === 0 &&
    dicomdirs.every(
      (report) =>
        report.contents !== undefined &&
        report.contents.refused.length === 0 &&
        report.missing.length === 0 &&
        report.mismatched.length === 0 &&
        report.listedNotDicom.length === 0,
    );
  return { dicomdirs, unlisted, clean };
}
