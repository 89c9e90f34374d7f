import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, UserRow } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import { roleSchema, type Role } from '../domain/roles.ts';
import { hashPassword, passwordProblem } from './passwords.ts';

export const usernameSchema = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9._-]+$/, 'lower-case letters, digits, dot, dash and underscore only');

const rolesColumnSchema = z.array(roleSchema);

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  disabled: boolean;
}

export function userFromRow(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: rolesColumnSchema.parse(JSON.parse(row.roles)),
    disabled: row.disabled !== 0,
  };
}

export class UserStore {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async create(input: { username: string; displayName: string; password: string; roles: Role[] }): Promise<User> {
    const username = usernameSchema.parse(input.username);
    const problem = passwordProblem(input.password);
    if (problem !== null) throw new DomainError('invalid_input', problem);
    if (input.roles.length === 0) throw new DomainError('invalid_input', 'a user needs at least one role');
    const existing = await this.findByUsername(username);
    if (existing !== undefined) throw new DomainError('conflict', `user ${username} already exists`);
    const now = new Date().toISOString();
    const row = {
      id: randomUUID(),
      username,
      display_name: input.displayName,
      password_hash: await hashPassword(input.password),
      roles: JSON.stringify([...new Set(input.roles)]),
      disabled: 0,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('users').values(row).execute();
    return userFromRow(row);
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : userFromRow(row);
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(userFromRow);
  }

  async setPassword(username: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem !== null) throw new DomainError('invalid_input', problem);
    const result = await this.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), updated_at: new Date().toISOString() })
      .where('username', '=', username)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new DomainError('not_found', `no user ${username}`);
  }
}
