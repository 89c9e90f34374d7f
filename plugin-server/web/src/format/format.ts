// How values read on screen. Dates are shown as YYYY-MM-DD everywhere: unambiguous across the
// countries outside studies come from.

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit] ?? 'TB'}`;
}

export function formatRate(bytesPerSecond: number | undefined): string {
  return bytesPerSecond === undefined ? '–' : `${formatBytes(bytesPerSecond)}/s`;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A DICOM DA value (YYYYMMDD, PS3.5 6.2) as YYYY-MM-DD; anything else as it is. */
export function formatDicomDate(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '–';
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  return match === null ? value : `${match[1]}-${match[2]}-${match[3]}`;
}

/** A DICOM PN value (family^given^middle^prefix^suffix, PS3.5 6.2.1) as "FAMILY, Given Middle". The
 * first component group (alphabetic) is used; ideographic and phonetic groups follow `=`. */
export function formatPersonName(value: string | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const alphabetic = value.split('=').find((group) => group.trim() !== '') ?? '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = alphabetic
    .split('^')
    .map((part) => part.trim());
  const first = [prefix, given, middle].filter((part) => part !== '').join(' ');
  const name = [family, first].filter((part) => part !== '').join(', ');
  const full = suffix === '' ? name : `${name} ${suffix}`;
  return full === '' ? '–' : full;
}

/** An ISO timestamp in the browser's time zone, to the minute. */
export function formatDateTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An <input type=date> value (YYYY-MM-DD) as a DICOM date (YYYYMMDD); undefined when empty. */
export function dicomDateFromInput(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match === null ? undefined : `${match[1]}${match[2]}${match[3]}`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/** A message that ends a sentence: with a final full stop. */
export function fullStop(message: string): string {
  const trimmed = message.trim();
  return trimmed === '' || /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** A server message as a sentence on its own: capital first letter, final full stop. */
export function sentence(message: string): string {
  const stopped = fullStop(message);
  return stopped.charAt(0).toUpperCase() + stopped.slice(1);
}
