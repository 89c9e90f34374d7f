// The query string of a viewer request, read from the raw URL. Express's parsed `request.query`
// is not used: it decodes every value, and re-encoding it would change what Orthanc receives
// (`+`, `*` wildcards, `^` in names). The query is forwarded as it came, with one fix.

/**
 * OHIF sends `includefield=00081030%2C00080060`. Orthanc's DICOMweb plugin 1.7 splits the value on
 * a literal comma only, so with an encoded comma it ignores the whole value and the study list
 * loses its descriptions (checked against Orthanc 1.10.1). A comma is not special in a query value
 * (RFC 3986 3.4), so decoding it there is safe.
 */
export function forwardedQuery(rawQuery: string): string {
  return rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      if (equals < 0) return part;
      const key = part.slice(0, equals);
      if (decodeKey(key).toLowerCase() !== 'includefield') return part;
      return `${key}=${part.slice(equals + 1).replace(/%2c/gi, ',')}`;
    })
    .join('&');
}

const PLAIN_KEY = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The names of the query's parameters (`PatientName`, `00100020`, `limit`) for the audit trail,
 * sorted and without repeats. Values are never returned: they can be a patient's name. A key that
 * is not a plain keyword or tag is reported as `(other)` so that nothing typed into it leaks either.
 */
export function queryKeyNames(rawQuery: string): string[] {
  const names = new Set<string>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const key = decodeKey(equals < 0 ? part : part.slice(0, equals));
    names.add(PLAIN_KEY.test(key) ? key : '(other)');
  }
  return [...names].sort();
}

/** The query part of a raw request URL, without the `?`. */
export function rawQueryOf(url: string): string {
  const question = url.indexOf('?');
  return question < 0 ? '' : url.slice(question + 1);
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replaceAll('+', ' '));
  } catch {
    return key;
  }
}
