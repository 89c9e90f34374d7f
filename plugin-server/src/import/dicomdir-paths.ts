// Paths named inside a DICOMDIR, and how they meet the files actually on the medium.
//
// ReferencedFileID (0004,1500) is a multi-valued CS: one value per path component, so components
// are joined with `\` on the wire, relative to the folder holding the DICOMDIR (PS3.10 8.5,
// PS3.3 F.3.2.2). It is never allowed to leave the medium: an entry with `..`, a leading
// separator or a drive letter is refused, whatever the rest of the DICOMDIR says (DESIGN.md 9).
//
// Real media are ISO 9660/Joliet: names compare case-insensitively, and a disc mounted without
// extensions shows `IM000001.;1`. mediaPathKey folds those differences away for matching.

import type { RefusedReferenceReason } from './scan-types.ts';

export type ResolvedReference =
  { ok: true; components: string[]; path: string } | { ok: false; reason: RefusedReferenceReason; message: string };

// Control characters (NUL included) have no place in a file name on any medium.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const DRIVE = /^[A-Za-z]:/;

/**
 * Validates a ReferencedFileID and resolves it against the DICOMDIR's folder (`dicomdirFolder`,
 * relative to the medium's root, `/`-separated, `''` for the root).
 * `raw` is the value as stored, components separated by `\`; `/` is treated as a separator too,
 * so that it can never smuggle a path through a single component.
 */
export function resolveReferencedFileId(raw: string, dicomdirFolder: string): ResolvedReference {
  const value = raw.replace(/[\s\0]+$/, '');
  if (value.length === 0) return { ok: false, reason: 'invalid-component', message: 'empty ReferencedFileID' };
  if (value.startsWith('\\') || value.startsWith('/')) {
    return { ok: false, reason: 'absolute-path', message: `absolute path ${JSON.stringify(raw)}` };
  }
  if (DRIVE.test(value)) {
    return { ok: false, reason: 'absolute-path', message: `drive-letter path ${JSON.stringify(raw)}` };
  }
  const components: string[] = [];
  for (const part of value.split(/[\\/]/)) {
    const component = part.trim();
    if (component === '..') {
      return { ok: false, reason: 'escapes-media-root', message: `parent-folder component in ${JSON.stringify(raw)}` };
    }
    if (component === '.') continue;
    if (component.length === 0 || CONTROL.test(component) || DRIVE.test(component)) {
      return { ok: false, reason: 'invalid-component', message: `invalid component in ${JSON.stringify(raw)}` };
    }
    components.push(component);
  }
  if (components.length === 0) {
    return { ok: false, reason: 'invalid-component', message: `no file named by ${JSON.stringify(raw)}` };
  }
  const path = [...splitFolder(dicomdirFolder), ...components].join('/');
  return { ok: true, components, path };
}

function splitFolder(folder: string): string[] {
  return folder.split('/').filter((part) => part.length > 0 && part !== '.');
}

/** A comparison key for a medium-relative path: case-folded, ISO 9660 version and dot dropped. */
export function mediaPathKey(path: string): string {
  return path
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => part.replace(/;\d+$/, '').replace(/\.$/, '').toLowerCase())
    .join('/');
}

/** The folder part of a medium-relative path (`''` for a file at the root). */
export function folderOf(path: string): string {
  const index = path.lastIndexOf('/');
  return index < 0 ? '' : path.slice(0, index);
}
