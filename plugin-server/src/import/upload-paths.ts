import { DomainError } from '../domain/errors.ts';

const MAX_DEPTH = 32;
const MAX_LENGTH = 1024;

/**
 * Checks a client-supplied relative path (a browser's webkitRelativePath) and returns its
 * components. The path is only ever used below a folder of our own, but a path that tries to
 * leave it (`..`, absolute, drive letters) is refused outright rather than silently rewritten.
 */
export function uploadPathComponents(path: string): string[] {
  if (path.length === 0 || path.length > MAX_LENGTH)
    throw new DomainError('invalid_input', 'file path missing or too long');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(path)) throw new DomainError('invalid_input', 'file path contains control characters');
  const normalised = path.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[A-Za-z]:/.test(normalised)) {
    throw new DomainError('invalid_input', `absolute file path refused: ${path}`);
  }
  const components = normalised.split('/').filter((component) => component !== '' && component !== '.');
  if (components.some((component) => component === '..'))
    throw new DomainError('invalid_input', `file path leaving the upload refused: ${path}`);
  if (components.length === 0 || components.length > MAX_DEPTH)
    throw new DomainError('invalid_input', `file path refused: ${path}`);
  return components;
}
