import { randomBytes } from 'node:crypto';
import type { Sidecar } from '@outside/plugin-server';
import type { Role } from '../../plugin-server/src/domain/roles.ts';
import { ApiSession } from './http-session.ts';

export async function createUser(sidecar: Sidecar, roles: Role[]): Promise<{ username: string; password: string }> {
  const services = sidecar.services;
  if (services === undefined) throw new Error('sidecar not started');
  const username = `${roles.join('-')}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  await services.users.create({ username, displayName: `Test ${roles.join(' ')}`, password, roles });
  return { username, password };
}

export async function loggedIn(sidecar: Sidecar, roles: Role[]): Promise<ApiSession> {
  const { username, password } = await createUser(sidecar, roles);
  const session = new ApiSession(sidecar.url);
  const response = await session.login(username, password);
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
  return session;
}
