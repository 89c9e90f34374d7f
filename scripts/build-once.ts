// Builds something (the web UI, the OHIF extension) only when its outputs are missing or older than
// its sources, once per process, and never two builds at once: test files run in parallel
// processes, and other people's test runs share the work tree. One process takes a lock file and
// builds; the others wait for the lock and then find the outputs fresh.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BuildOnceOptions {
  /** Names the lock file, e.g. `outside-web-build`. */
  lockName: string;
  /** The folder being built: its path is part of the lock's name, so work trees do not wait for each other. */
  root: string;
  /** Files the build writes: stale when any is missing or older than the newest source. */
  outputs: readonly string[];
  /** Files and folders the outputs are built from (`node_modules` and `dist` folders inside are skipped). */
  sources: readonly string[];
  build: () => Promise<void>;
}

/** No build takes this long; a lock this old was left by a process that was killed. */
const STALE_LOCK_MS = 60_000;
const LOCK_POLL_MS = 200;

const builds = new Map<string, Promise<void>>();

/** Runs `build` unless every output is newer than every source; at most once per process and lock. */
export function buildOnceWhenStale(options: BuildOnceOptions): Promise<void> {
  const lock = lockPath(options);
  let built = builds.get(lock);
  if (built === undefined) {
    built = buildIfStale(options, lock);
    builds.set(lock, built);
  }
  return built;
}

/** Runs of withProductionNodeEnv under way, and NODE_ENV from before the first of them. */
let productionRuns = 0;
let nodeEnvBefore: string | undefined;

/**
 * Runs `run` with NODE_ENV=production: started from vitest, NODE_ENV is `test`, and Vite and the
 * React plugin would then emit development builds. Two builds may overlap (the web UI and the
 * extension): NODE_ENV is put back when the last one ends, not while the other still runs.
 */
export async function withProductionNodeEnv<T>(run: () => Promise<T>): Promise<T> {
  if (productionRuns === 0) nodeEnvBefore = process.env.NODE_ENV;
  productionRuns += 1;
  process.env.NODE_ENV = 'production';
  try {
    return await run();
  } finally {
    productionRuns -= 1;
    if (productionRuns === 0) {
      if (nodeEnvBefore === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnvBefore;
    }
  }
}

/** Outside the repository, so a build killed half-way leaves nothing behind in the work tree. */
function lockPath({ lockName, root }: BuildOnceOptions): string {
  return join(tmpdir(), `${lockName}-${createHash('sha256').update(root).digest('hex').slice(0, 12)}.lock`);
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function isStale({ outputs, sources }: BuildOnceOptions): boolean {
  if (!outputs.every((output) => existsSync(output))) return true;
  const builtAt = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  return sources.some((source) => newestMtime(source) > builtAt);
}

async function buildIfStale(options: BuildOnceOptions, lock: string): Promise<void> {
  if (!isStale(options)) return;
  // One builds, the others wait for its lock. A lock whose process is gone, or that is older than
  // any build takes, is taken over.
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockIsAbandoned(lock)) rmSync(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  try {
    // Whoever held the lock before may have built it meanwhile.
    if (isStale(options)) await options.build();
  } finally {
    rmSync(lock, { force: true });
  }
}

function lockIsAbandoned(lock: string): boolean {
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    if (!Number.isSafeInteger(pid) || pid <= 0) return false; // being written right now
    process.kill(pid, 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ESRCH: no such process. ENOENT: the lock went away meanwhile (try again at once).
    return code === 'ESRCH' || code === 'ENOENT';
  }
}
