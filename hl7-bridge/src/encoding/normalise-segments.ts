// Segment separators: HL7 v2 ends every segment with CR (section 2.5.2). Sloppy senders (and files
// edited on other systems) use LF or CRLF; we accept all three. Content cannot carry a raw CR or LF
// (it must be escaped as \X0D\ or \.br\, section 2.7), so turning every line break into CR changes
// no field value. Empty lines between segments are dropped.

/** Splits decoded message text into its segments, whatever the line breaks. */
export function splitSegments(text: string): string[] {
  return text.split(/\r\n|\n|\r/).filter((segment) => segment.trim() !== '');
}

/** The message text with CR-terminated segments only, as the HL7 parser expects it. */
export function normaliseSegments(text: string): string {
  return splitSegments(text).join('\r');
}
