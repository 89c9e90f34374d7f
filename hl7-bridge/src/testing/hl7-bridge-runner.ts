// Runs a bridge in its own process, for the crash-safety test (which kills it with SIGKILL):
//
//   node hl7-bridge/src/testing/hl7-bridge-runner.ts <sqlite-file> [port]
//
// Opens the SQLite file the way the sidecar does (WAL, synchronous=FULL), applies the bridge's
// migration, starts the bridge and prints one JSON line {"port": n} on stdout once it listens.
// SIGTERM stops it cleanly. Nothing else is written to stdout.

import { Hl7Bridge } from '../bridge/hl7-bridge.ts';
import { parseHl7Config } from '../config/hl7-config.ts';
import { migrateHl7, openHl7Sqlite } from '../db/open-hl7-sqlite.ts';

const [path, portArgument] = process.argv.slice(2);
if (path === undefined) {
  process.stderr.write('usage: hl7-bridge-runner.ts <sqlite-file> [port]\n');
  process.exit(2);
}

const database = openHl7Sqlite(path);
await migrateHl7(database.db);
const bridge = new Hl7Bridge({
  db: database.db,
  config: parseHl7Config({
    port: portArgument === undefined ? 0 : Number(portArgument),
    processingPollIntervalMs: 50,
    processingRetryInitialMs: 50,
    processingRetryMaxMs: 500,
  }),
  onAlert: (event) => process.stderr.write(`alert ${event.type}\n`),
});
const { port } = await bridge.start();
process.stdout.write(`${JSON.stringify({ port })}\n`);

process.once('SIGTERM', () => {
  void bridge
    .stop()
    .then(() => database.close())
    .then(() => process.exit(0));
});
