// A best-effort label for files that are not DICOM, so the front desk sees "viewer program" or
// "PDF" in the media listing instead of an anonymous "not DICOM". Labels only; nothing depends on
// them being right.

export const FILE_TYPES = [
  'empty',
  'windows-executable',
  'elf-executable',
  'mach-o-executable',
  'pdf',
  'jpeg',
  'png',
  'gif',
  'bmp',
  'tiff',
  'zip',
  'gzip',
  'html',
  'xml',
  'text',
  'unknown',
] as const;
export type FileType = (typeof FILE_TYPES)[number];

type Magic = { type: FileType; offset: number; bytes: readonly number[] };

const MAGICS: readonly Magic[] = [
  { type: 'windows-executable', offset: 0, bytes: [0x4d, 0x5a] }, // "MZ"
  { type: 'elf-executable', offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { type: 'mach-o-executable', offset: 0, bytes: [0xcf, 0xfa, 0xed, 0xfe] },
  { type: 'mach-o-executable', offset: 0, bytes: [0xca, 0xfe, 0xba, 0xbe] },
  { type: 'pdf', offset: 0, bytes: [0x25, 0x50, 0x44, 0x46] }, // "%PDF"
  { type: 'jpeg', offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { type: 'png', offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47] },
  { type: 'gif', offset: 0, bytes: [0x47, 0x49, 0x46, 0x38] },
  { type: 'bmp', offset: 0, bytes: [0x42, 0x4d] },
  { type: 'tiff', offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] },
  { type: 'tiff', offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { type: 'zip', offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'gzip', offset: 0, bytes: [0x1f, 0x8b] },
];

/** Labels the first bytes of a file that is not DICOM. */
export function sniffFileType(bytes: Uint8Array): FileType {
  if (bytes.length === 0) return 'empty';
  for (const magic of MAGICS) {
    if (magic.bytes.every((value, index) => bytes[magic.offset + index] === value)) return magic.type;
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'html';
  if (head.startsWith('<?xml')) return 'xml';
  return looksLikeText(bytes.subarray(0, 4096)) ? 'text' : 'unknown';
}

function looksLikeText(bytes: Uint8Array): boolean {
  let control = 0;
  for (const byte of bytes) {
    if (byte === 0) return false;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) control += 1;
  }
  return control * 20 < bytes.length;
}
