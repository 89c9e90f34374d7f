// `outside`: the sidecar's command line. Each command loads the same validated configuration, and
// only the modules it needs (`serve` the whole sidecar, `import` the importer alone).
import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Database } from '../db/schema.ts';
import type { Kysely } from 'kysely';
import { DomainError } from '../domain/errors.ts';

const USAGE = `usage: outside <command> [options]

commands:
  serve                          run the sidecar (HTTP, change feed)
  user add --username NAME --role ROLE [--role ROLE] [--display-name TEXT] [--password-stdin]
                                 create a user; without --password-stdin a strong password is
                                 generated and printed once
  import PATH|FILE.zip [--mrn MRN] [--name NAME] [--birth-date YYYYMMDD] [--department DEPT]
                                 import a folder or zip into the staging Orthanc; exit 0 only if
                                 every DICOM file was stored or already stored
  audit verify                   check the audit log's hash chain; exit 1 at the first broken row
  config                         list every configuration option, its variable and default

common options:
  --config FILE                  JSON configuration file (or OUTSIDE_CONFIG)
`;

/** The validated configuration (the schema, and zod, load here: `import` often needs neither). */
async function loadConfigFile(configFile: string | undefined) {
  const { loadConfig } = await import('../config/config-loader.ts');
  return loadConfig(configFile === undefined ? {} : { file: configFile });
}

/** Runs `work` on the migrated database; the database modules load only for commands that use them. */
async function withDatabase<T>(
  configFile: string | undefined,
  work: (db: Kysely<Database>, audit: AuditLog) => Promise<T>,
): Promise<T> {
  const config = await loadConfigFile(configFile);
  const [{ migrateToLatest, openSqlite }, { AuditLog }] = await Promise.all([
    import('../db/database.ts'),
    import('../audit/audit-log.ts'),
  ]);
  const database = openSqlite(config.database.sqlitePath);
  try {
    await migrateToLatest(database);
    return await work(database.db, new AuditLog(database.db));
  } finally {
    await database.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      username: { type: 'string' },
      role: { type: 'string', multiple: true },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      mrn: { type: 'string' },
      name: { type: 'string' },
      'birth-date': { type: 'string' },
      department: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, subcommand] = positionals;
  if (values.help === true || command === undefined) {
    process.stdout.write(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }

  if (command === 'serve') {
    const config = await loadConfigFile(values.config);
    const { Sidecar } = await import('../server.ts');
    const sidecar = new Sidecar(config);
    await sidecar.start();
    const shutdown = () => {
      sidecar.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
    return -1;
  }

  if (command === 'user' && subcommand === 'add') {
    const username = values.username;
    if (username === undefined) throw new DomainError('invalid_input', '--username is required');
    const { roleSchema } = await import('../domain/roles.ts');
    const roles = (values.role ?? []).map((role) => {
      const parsed = roleSchema.safeParse(role);
      if (!parsed.success)
        throw new DomainError('invalid_input', `unknown role ${role} (${roleSchema.options.join(', ')})`);
      return parsed.data;
    });
    const generated = values['password-stdin'] !== true;
    const password = generated
      ? randomBytes(15).toString('base64url')
      : (await text(process.stdin)).replace(/\r?\n$/, '');
    await withDatabase(values.config, async (db, audit) => {
      const { UserStore } = await import('../auth/users.ts');
      const user = await new UserStore(db).create({
        username,
        displayName: values['display-name'] ?? username,
        password,
        roles,
      });
      await audit.record({
        type: 'userManagement',
        actor: { userId: null, username: 'cli', sourceIp: null },
        object: { type: 'user', id: user.id },
        details: { action: 'user created', roles: user.roles },
      });
      process.stdout.write(`created user ${user.username} (${user.roles.join(', ')})\n`);
      if (generated) process.stdout.write(`password: ${password}\n`);
    });
    return 0;
  }

  if (command === 'audit' && subcommand === 'verify') {
    return withDatabase(values.config, async (_db, audit) => {
      const result = await audit.verify();
      if (result.ok) {
        process.stdout.write(`audit log intact: ${result.checked} events verified\n`);
        return 0;
      }
      process.stdout.write(
        `audit log BROKEN at event ${result.brokenSeq}: ${result.reason} (${result.checked} events verified before it)\n`,
      );
      return 1;
    });
  }

  if (command === 'import') {
    if (subcommand === undefined) throw new DomainError('invalid_input', 'import needs a folder or a zip file');
    const { importCommand } = await import('./import-command.ts');
    return importCommand({
      ...(values.config === undefined ? {} : { configFile: values.config }),
      path: subcommand,
      department: values.department ?? 'radiology',
      ...(values.mrn === undefined ? {} : { mrn: values.mrn }),
      ...(values.name === undefined ? {} : { name: values.name }),
      ...(values['birth-date'] === undefined ? {} : { birthDate: values['birth-date'] }),
    });
  }

  if (command === 'config') {
    const { configOptions } = await import('../config/config-loader.ts');
    for (const option of configOptions()) {
      process.stdout.write(
        `${option.path}\n  env: ${option.env}\n  default: ${option.optional ? '(none)' : JSON.stringify(option.defaultValue)}\n  ${option.description}\n`,
      );
    }
    return 0;
  }

  process.stderr.write(`unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof DomainError || error instanceof TypeError ? error.message : String(error);
    process.stderr.write(`outside: ${message}\n`);
    process.exitCode = 1;
  },
);
