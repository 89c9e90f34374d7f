import type { Kysely } from 'kysely';
import { AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config/config-schema.ts';
import { migrateToLatest, openSqlite, type OpenDatabase } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { OrthancClient } from '../orthanc/orthanc-client.ts';
import { InstanceUploader } from '../orthanc/upload-instance-file.ts';
import { Importer } from './importer.ts';

// What importing media needs, and nothing more: the database, Orthanc, the audit log and the
// importer. The sidecar builds its services on top of these; `outside import` uses them alone, so
// the command does not load (or start) the web layer and the workers.

export interface ImportServices {
  database: OpenDatabase;
  db: Kysely<Database>;
  orthanc: OrthancClient;
  audit: AuditLog;
  uploader: InstanceUploader;
  importer: Importer;
  close(): Promise<void>;
}

export async function openImportServices(config: Config, log: Logger): Promise<ImportServices> {
  const database = openSqlite(config.database.sqlitePath);
  await migrateToLatest(database);
  const { db } = database;
  const orthanc = new OrthancClient({
    url: config.orthanc.url,
    username: config.orthanc.username,
    password: config.orthanc.password,
    timeoutMs: config.orthanc.requestTimeoutMs,
  });
  const audit = new AuditLog(db);
  const uploader = new InstanceUploader({
    url: config.orthanc.url,
    authorization: orthanc.authorization,
    maxSockets: config.import.concurrency * 2,
    timeoutMs: config.orthanc.requestTimeoutMs,
  });
  const importer = new Importer({ db, orthanc, uploader, audit, log, options: config.import });
  return {
    database,
    db,
    orthanc,
    audit,
    uploader,
    importer,
    async close() {
      uploader.close();
      await database.close();
    },
  };
}
