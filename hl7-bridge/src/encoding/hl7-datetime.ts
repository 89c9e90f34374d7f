// HL7 date and time values (DT, DTM/TS; HL7 v2.5 section 2.A.21-2.A.22 and 2.A.77):
// YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]. Precision may stop after any part.

export type ParsedHl7Date = { readonly ok: true; readonly value: string | null } | { readonly ok: false };

const DATE_TIME = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * A date (PID-7 birth date and the like) as ISO-8601 with the precision sent: 'YYYY', 'YYYY-MM'
 * or 'YYYY-MM-DD'. A time part, if any, is ignored: a birth time is not a birth date. Empty input
 * is null; anything that is not a valid date is an error (AE 102, data type error).
 */
export function parseHl7Date(raw: string): ParsedHl7Date {
  const text = raw.trim();
  if (text === '') return { ok: true, value: null };
  const match = DATE_TIME.exec(text);
  if (match === null) return { ok: false };
  const [, year, month, day, hour, minute, second] = match;
  if (year === undefined) return { ok: false };
  if (!isValidTime(hour, minute, second)) return { ok: false };
  if (month === undefined) return { ok: true, value: year };
  if (Number(month) < 1 || Number(month) > 12) return { ok: false };
  if (day === undefined) return { ok: true, value: `${year}-${month}` };
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return { ok: false };
  return { ok: true, value: `${year}-${month}-${day}` };
}

function isValidTime(hour: string | undefined, minute: string | undefined, second: string | undefined): boolean {
  return (
    (hour === undefined || Number(hour) <= 23) &&
    (minute === undefined || Number(minute) <= 59) &&
    (second === undefined || Number(second) <= 59)
  );
}

/**
 * A date/time as an ISO-8601 UTC timestamp. Without an offset the value is the sender's local
 * time (section 2.A.22); we read it in this process's time zone, so run the bridge in the EMR's.
 * Missing parts are taken as their start (a date alone is midnight).
 */
export function parseHl7DateTime(raw: string): ParsedHl7Date {
  const text = raw.trim();
  if (text === '') return { ok: true, value: null };
  const match = DATE_TIME.exec(text);
  if (match === null) return { ok: false };
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00', fraction = '0', offset] = match;
  if (year === undefined) return { ok: false };
  if (!isCalendarDate(Number(year), Number(month), Number(day)) || !isValidTime(hour, minute, second)) {
    return { ok: false };
  }
  const milliseconds = Math.round(Number(`0.${fraction}`) * 1000);
  let time: number;
  if (offset === undefined) {
    time = new Date(
      Number(year),
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second),
      milliseconds,
    ).getTime();
  } else {
    const sign = offset.startsWith('-') ? -1 : 1;
    const offsetMinutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
    time =
      Date.UTC(
        Number(year),
        Number(month) - 1,
        Number(day),
        Number(hour),
        Number(minute),
        Number(second),
        milliseconds,
      ) -
      offsetMinutes * 60_000;
  }
  return { ok: true, value: new Date(time).toISOString() };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Formats a time as an HL7 DTM with seconds and the local offset, e.g. 20240101120000+0100. */
export function formatHl7DateTime(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  return (
    `${pad(date.getFullYear(), 4)}${pad(date.getMonth() + 1, 2)}${pad(date.getDate(), 2)}` +
    `${pad(date.getHours(), 2)}${pad(date.getMinutes(), 2)}${pad(date.getSeconds(), 2)}` +
    `${sign}${pad(Math.floor(absolute / 60), 2)}${pad(absolute % 60, 2)}`
  );
}

/** An ISO date ('YYYY-MM-DD', 'YYYY-MM' or 'YYYY') as an HL7 DT ('YYYYMMDD', ...). */
export function formatHl7Date(isoDate: string): string {
  return isoDate.replaceAll('-', '');
}
