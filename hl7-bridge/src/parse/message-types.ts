// What the bridge accepts (DESIGN section 5): message type and trigger event (MSH-9.1/9.2, HL7
// tables 0076 and 0003) per version (MSH-12, table 0104). Anything else is refused with AR.

export const SUPPORTED_VERSIONS = ['2.3', '2.3.1', '2.4', '2.5', '2.5.1'] as const;
export type SupportedVersion = (typeof SUPPORTED_VERSIONS)[number];

export const SUPPORTED_MESSAGES = {
  /** Order message (chapter 4.4.1), in every supported version. */
  ORM: { O01: SUPPORTED_VERSIONS },
  /** Imaging order (chapter 4.4.9; IPC segment, chapter 4.5.6), from v2.4 on. */
  OMI: { O23: ['2.4', '2.5', '2.5.1'] },
  /** Demographics (chapter 3): admit, register, update, update person; A40 merge. */
  ADT: {
    A01: SUPPORTED_VERSIONS,
    A04: SUPPORTED_VERSIONS,
    A08: SUPPORTED_VERSIONS,
    A31: SUPPORTED_VERSIONS,
    A40: SUPPORTED_VERSIONS,
  },
} as const satisfies Record<string, Record<string, readonly SupportedVersion[]>>;

export type SupportedMessageCode = keyof typeof SUPPORTED_MESSAGES;

export function isSupportedVersion(version: string): version is SupportedVersion {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(version);
}

export type MessageTypeCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: 'unsupported_type' | 'unsupported_event' };

/** Decides between table 0357 code 200 (type) and 201 (event) for what we do not accept. */
export function checkMessageType(code: string, trigger: string, version: SupportedVersion): MessageTypeCheck {
  const events: Readonly<Record<string, readonly SupportedVersion[]>> | undefined =
    code in SUPPORTED_MESSAGES ? SUPPORTED_MESSAGES[code as SupportedMessageCode] : undefined;
  if (events === undefined) return { ok: false, reason: 'unsupported_type' };
  const versions = events[trigger];
  if (versions === undefined) return { ok: false, reason: 'unsupported_event' };
  if (!versions.includes(version)) return { ok: false, reason: 'unsupported_type' };
  return { ok: true };
}

/** v2.5 moved error details from ERR-1 into ERR-2..ERR-8 (section 2.15.5). */
export function usesV25ErrorSegment(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > 2 || (major === 2 && minor >= 5);
}
