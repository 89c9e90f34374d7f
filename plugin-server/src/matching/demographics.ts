import { nameTokens } from '../domain/person-name.ts';
import type { EvidenceOutcome } from './match-types.ts';

// Field comparisons shared by identity resolution and order scoring. Each returns an outcome and
// a sentence for the worklist; none of them decides anything on its own.

export interface Comparison {
  outcome: EvidenceOutcome;
  explanation: string;
}

/** `YYYY-MM-DD` from DICOM DA, an ISO date or an ISO timestamp; null when empty or not a date. */
export function normaliseDate(value: string | null): string | null {
  if (value === null) return null;
  const trimmed = value.trim();
  const match = /^(\d{4})-?(\d{2})-?(\d{2})/u.exec(trimmed);
  if (match === null) return null;
  const [, year, month, day] = match;
  const iso = `${year}-${month}-${day}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso) return null;
  return iso;
}

/** Whole days from `a` to `b` (both normalised dates). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** M or F; O, U, empty and anything else mean "not known" and never conflict. */
export function normaliseSex(value: string | null): 'M' | 'F' | null {
  const upper = (value ?? '').trim().toUpperCase();
  return upper === 'M' || upper === 'F' ? upper : null;
}

export function compareBirthDates(a: string | null, b: string | null): Comparison {
  const left = normaliseDate(a);
  const right = normaliseDate(b);
  if (left === null || right === null) return { outcome: 'absent', explanation: 'birth date missing on one side' };
  if (left === right) return { outcome: 'match', explanation: `same birth date ${left}` };
  return { outcome: 'mismatch', explanation: `birth dates differ: ${left} vs ${right}` };
}

export function compareSex(a: string | null, b: string | null): Comparison {
  const left = normaliseSex(a);
  const right = normaliseSex(b);
  if (left === null || right === null) return { outcome: 'absent', explanation: 'sex unknown on one side' };
  if (left === right) return { outcome: 'match', explanation: `same sex ${left}` };
  return { outcome: 'mismatch', explanation: `sex differs: ${left} vs ${right}` };
}

/**
 * Family and given(+middle) tokens of a DICOM PN or HL7 XPN: both put family^given^middle first,
 * so prefixes and suffixes (positions 4 and 5, swapped between the two) are left out. A typed name
 * without `^` is all "given" tokens: only the token set is compared then.
 */
export function personNameParts(name: string): { family: string[]; given: string[]; all: string[] } {
  const alphabetic = name.split('=')[0] ?? '';
  const components = alphabetic.split('^');
  if (components.length === 1) {
    const all = nameTokens(alphabetic);
    return { family: [], given: all, all };
  }
  const family = nameTokens(components[0] ?? '');
  const given = nameTokens(`${components[1] ?? ''} ${components[2] ?? ''}`);
  return { family, given, all: [...family, ...given].sort() };
}

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const left = [...a].sort();
  const right = [...b].sort();
  return left.every((token, index) => token === right[index]);
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  const at = (row: number, column: number): number => table[row]?.[column] ?? Number.POSITIVE_INFINITY;
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(at(row - 1, column) + 1, at(row, column - 1) + 1, at(row - 1, column - 1) + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        best = Math.min(best, at(row - 2, column - 2) + 1);
      }
      const line = table[row];
      if (line !== undefined) line[column] = best;
    }
  }
  return at(rows - 1, columns - 1);
}

/** One token allowed to differ by one edit (two for tokens of 8+ letters); the others identical. */
function oneTypoApart(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  const remaining = [...b];
  const unmatched: string[] = [];
  for (const token of a) {
    const index = remaining.indexOf(token);
    if (index >= 0) remaining.splice(index, 1);
    else unmatched.push(token);
  }
  if (unmatched.length !== 1 || remaining.length !== 1) return false;
  const left = unmatched[0] ?? '';
  const right = remaining[0] ?? '';
  const allowed = Math.min(left.length, right.length) >= 8 ? 2 : 1;
  return Math.min(left.length, right.length) >= 3 && editDistance(left, right) <= allowed;
}

/**
 * Names compared after normalisation (case, accents, hyphens, PN vs XPN order). `match`: the same
 * tokens (possibly family and given swapped); `partial`: one spelling difference, a missing middle
 * or second name, or the same given names under another family name (marriage); else `mismatch`.
 */
export function compareNames(a: string, b: string): Comparison {
  const left = personNameParts(a);
  const right = personNameParts(b);
  if (left.all.length === 0 || right.all.length === 0) {
    return { outcome: 'absent', explanation: 'name missing on one side' };
  }
  if (sameTokens(left.all, right.all)) {
    const swapped = left.family.length > 0 && right.family.length > 0 && !sameTokens(left.family, right.family);
    return {
      outcome: 'match',
      explanation: swapped ? 'same names, family and given swapped' : 'same name after normalisation',
    };
  }
  if (oneTypoApart(left.all, right.all)) return { outcome: 'partial', explanation: 'names differ by one spelling' };
  const [shorter, longer] = left.all.length <= right.all.length ? [left.all, right.all] : [right.all, left.all];
  if (shorter.length >= 2 && shorter.every((token) => longer.includes(token))) {
    return { outcome: 'partial', explanation: 'one name has extra parts (middle, second or double-barrelled name)' };
  }
  if (
    left.family.length > 0 &&
    right.family.length > 0 &&
    left.given.length > 0 &&
    sameTokens(left.given, right.given) &&
    !left.family.some((token) => right.family.includes(token))
  ) {
    return { outcome: 'partial', explanation: 'same given names, different family name (e.g. marriage)' };
  }
  return { outcome: 'mismatch', explanation: 'names differ' };
}

/** Some name token in common (a sibling, a twin, a married name): enough to be "plausible". */
export function shareNameToken(a: string, b: string): boolean {
  const right = personNameParts(b).all;
  return personNameParts(a).all.some((token) => right.includes(token));
}
