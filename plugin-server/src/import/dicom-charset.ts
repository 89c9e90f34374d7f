// Decodes text values (PN, LO, SH, ...) by the dataset's Specific Character Set (0008,0005),
// PS3.3 C.12.1.1.2 and PS3.5 6.1. Patient names on outside media are often Latin-1 or UTF-8 and
// sometimes Cyrillic, Greek or Japanese; dicom-parser reads every byte as one Latin-1 character,
// which garbles all but the first.
//
// ISO 2022 code extensions (escape sequences switching character sets inside a value) are handled
// as far as the platform's decoders go: iso-2022-jp for Japanese, which covers the common case.

const DECODER_LABELS: Readonly<Record<string, string>> = {
  '': 'windows-1252',
  'ISO_IR 6': 'windows-1252',
  'ISO 2022 IR 6': 'windows-1252',
  'ISO_IR 100': 'windows-1252',
  'ISO 2022 IR 100': 'windows-1252',
  'ISO_IR 101': 'iso-8859-2',
  'ISO 2022 IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO 2022 IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO 2022 IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO 2022 IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO 2022 IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO 2022 IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO 2022 IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO 2022 IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO 2022 IR 203': 'iso-8859-15',
  'ISO_IR 166': 'windows-874',
  'ISO 2022 IR 166': 'windows-874',
  'ISO_IR 13': 'shift_jis',
  'ISO 2022 IR 13': 'shift_jis',
  'ISO 2022 IR 87': 'iso-2022-jp',
  'ISO 2022 IR 159': 'iso-2022-jp',
  'ISO 2022 IR 149': 'euc-kr',
  'ISO 2022 IR 58': 'gbk',
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

const decoders = new Map<string, TextDecoder>();

function decoderFor(label: string): TextDecoder {
  let decoder = decoders.get(label);
  if (decoder === undefined) {
    decoder = new TextDecoder(label);
    decoders.set(label, decoder);
  }
  return decoder;
}

/**
 * The decoder for a Specific Character Set value (possibly multi-valued, `\`-separated). With
 * several values the first names the default repertoire and the others the ISO 2022 extensions;
 * an extension to a Japanese or Korean set decides the decoder.
 */
export function decoderLabelForCharacterSet(specificCharacterSet: string | undefined): string {
  const terms = (specificCharacterSet ?? '').split('\\').map((term) => term.trim().toUpperCase());
  for (const term of terms.slice(1)) {
    const label = DECODER_LABELS[term];
    if (label === 'iso-2022-jp' || label === 'euc-kr' || label === 'gbk') return label;
  }
  return DECODER_LABELS[terms[0] ?? ''] ?? 'windows-1252';
}

/** Decodes a text value and strips the padding PS3.5 6.2 allows (trailing spaces, NUL). */
export function decodeText(bytes: Uint8Array, decoderLabel: string): string {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x00)) end -= 1;
  let start = 0;
  while (start < end && bytes[start] === 0x20) start += 1;
  return decoderFor(decoderLabel).decode(bytes.subarray(start, end));
}
