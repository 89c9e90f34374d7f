import { createHash, randomBytes } from 'node:crypto';

// 256 bits from the CSPRNG, base64url: unguessable, and safe in a URL fragment. Only the SHA-256 is
// stored; a fast hash is enough for a random secret of this size (no dictionary to try).

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
