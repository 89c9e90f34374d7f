// Regenerates the Orthanc OpenAPI spec (written by the installed Orthanc itself) and the
// TypeScript client generated from it. With --check, regenerates into a scratch folder and
// fails when the committed files differ, so CI notices a stale client.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createClient } from '@hey-api/openapi-ts';

const packageDir = join(import.meta.dirname, '..');
const specPath = join(packageDir, 'openapi', 'orthanc-openapi.json');
const generatedDir = join(packageDir, 'src', 'generated');
const check = process.argv.includes('--check');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function differences(expectedDir: string, actualDir: string): string[] {
  const expected = new Map(listFiles(expectedDir).map((f) => [relative(expectedDir, f), f]));
  const actual = new Map(listFiles(actualDir).map((f) => [relative(actualDir, f), f]));
  const names = new Set([...expected.keys(), ...actual.keys()]);
  return [...names].filter((name) => {
    const a = expected.get(name);
    const b = actual.get(name);
    return a === undefined || b === undefined || !readFileSync(a).equals(readFileSync(b));
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'orthanc-client-'));
try {
  const scratchSpec = join(scratch, 'orthanc-openapi.json');
  // Orthanc writes the documentation of its own REST API and exits (no server is started).
  execFileSync(process.env.ORTHANC_BIN ?? 'Orthanc', [`--openapi=${scratchSpec}`], { stdio: 'ignore' });
  const scratchOut = join(scratch, 'generated');
  await createClient({
    input: scratchSpec,
    output: { path: scratchOut, module: { extension: '.ts' }, postProcess: [] },
    plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
    logs: { level: 'silent' },
  });
  // Formatted with the repository's own settings, so `prettier --check .` agrees with the result.
  const repositoryRoot = join(packageDir, '..');
  execFileSync(
    join(repositoryRoot, 'node_modules', '.bin', 'prettier'),
    ['--config', join(repositoryRoot, '.prettierrc.json'), '--write', '--log-level=warn', scratchOut, scratchSpec],
    { stdio: 'inherit' },
  );

  if (check) {
    const specDiffers = !readFileSync(scratchSpec).equals(readFileSync(specPath));
    const changed = differences(join(scratch, 'generated'), generatedDir);
    if (specDiffers || changed.length > 0) {
      console.error('The committed Orthanc client is stale; run `npm run orthanc-client:generate`.');
      if (specDiffers) console.error(`  differs: ${relative(packageDir, specPath)}`);
      for (const name of changed) console.error(`  differs: src/generated/${name}`);
      process.exitCode = 1;
    } else {
      console.log('Orthanc spec and generated client are up to date.');
    }
  } else {
    rmSync(generatedDir, { recursive: true, force: true });
    cpSync(scratchOut, generatedDir, { recursive: true });
    cpSync(scratchSpec, specPath);
    console.log(`Wrote ${relative(process.cwd(), specPath)} and ${relative(process.cwd(), generatedDir)}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
