import { z } from 'zod';
import { roleSchema } from '../../domain/roles.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  disabled: z.boolean(),
});

const auditEventSchema = z.object({
  seq: z.number(),
  occurredAt: z.string(),
  eventId: z.string(),
  eventName: z.string(),
  action: z.string(),
  outcome: z.number(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  sourceIp: z.string().nullable(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

const ADMIN = sessionOnly(['admin']);

export function adminRoutes(services: SidecarServices) {
  const { users, audit, changeFeed, orthanc } = services;
  return [
    defineRoute({
      method: 'get',
      path: '/api/users',
      summary: 'All user accounts.',
      tag: 'admin',
      access: ADMIN,
      response: z.object({ users: z.array(userSchema) }),
      async handler() {
        return { users: await users.list() };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/users',
      summary: 'Create a user account.',
      tag: 'admin',
      access: ADMIN,
      status: 201,
      body: z.object({
        username: z.string(),
        displayName: z.string().min(1).max(200),
        password: z.string(),
        roles: z.array(roleSchema).min(1),
      }),
      response: z.object({ user: userSchema }),
      async handler({ body, actor }) {
        const user = await users.create(body);
        await audit.record({
          type: 'userManagement',
          actor,
          object: { type: 'user', id: user.id },
          details: { action: 'user created', roles: user.roles },
        });
        return { user };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/audit',
      summary: 'Audit events, newest first.',
      tag: 'admin',
      access: ADMIN,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        before: z.coerce.number().int().positive().optional(),
        objectType: z.string().optional(),
        objectId: z.string().optional(),
      }),
      response: z.object({ events: z.array(auditEventSchema) }),
      async handler({ query, actor }) {
        const rows = await audit.list({
          limit: query.limit,
          ...(query.before === undefined ? {} : { beforeSeq: query.before }),
          ...(query.objectType === undefined ? {} : { objectType: query.objectType }),
          ...(query.objectId === undefined ? {} : { objectId: query.objectId }),
        });
        await audit.record({ type: 'auditLogUsed', actor, details: { returned: rows.length } });
        return {
          events: rows.map((row) => ({
            seq: row.seq,
            occurredAt: row.occurred_at,
            eventId: row.event_id,
            eventName: row.event_name,
            action: row.action,
            outcome: row.outcome,
            userId: row.user_id,
            username: row.username,
            sourceIp: row.source_ip,
            objectType: row.object_type,
            objectId: row.object_id,
            details: z.record(z.string(), z.unknown()).parse(JSON.parse(row.details)),
          })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/audit/verify',
      summary: 'Verify the hash chain of the audit log.',
      tag: 'admin',
      access: ADMIN,
      response: z.object({
        ok: z.boolean(),
        checked: z.number(),
        brokenSeq: z.number().optional(),
        reason: z.string().optional(),
      }),
      async handler({ actor }) {
        const result = await audit.verify();
        await audit.record({ type: 'auditLogUsed', actor, details: { action: 'verify', ok: result.ok } });
        return result;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/system/status',
      summary: 'Change feed and Orthanc status.',
      tag: 'admin',
      access: ADMIN,
      response: z.object({
        changeFeed: z.object({
          cursor: z.number(),
          lastSweepAt: z.string().nullable(),
          running: z.boolean(),
          lastError: z.string().nullable(),
        }),
        orthanc: z.object({ reachable: z.boolean(), version: z.string().nullable() }),
      }),
      async handler() {
        const feed = await changeFeed.status();
        try {
          const system = await orthanc.system();
          return { changeFeed: feed, orthanc: { reachable: true, version: system.Version } };
        } catch {
          return { changeFeed: feed, orthanc: { reachable: false, version: null } };
        }
      },
    }),
  ];
}
