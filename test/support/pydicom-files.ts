import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Public test files of Debian's python3-pydicom: real DICOM, no patient data. */
export const PYDICOM_TEST_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

export function pydicomFile(name: string): string {
  return join(PYDICOM_TEST_FILES, name);
}

/** Reads one tag's value with DCMTK's dcmdump: an oracle independent of our own parsing. */
export function dcmdumpValue(file: string, tag: string): string {
  const out = execFileSync('dcmdump', ['--search', tag, '--print-all', file], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith(`(${tag.toLowerCase()})`));
  if (line === undefined) return '';
  const match = /\[(.*)\]/.exec(line);
  return match?.[1]?.trim() ?? '';
}
