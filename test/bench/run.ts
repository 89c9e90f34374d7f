// `npm run bench -- [import|match|...]`: runs the named benchmarks (all when none is named), each
// measuring our path and the raw Orthanc/DCMTK baselines in the same run.
import { formatHl7BenchTable, runHl7Bench } from '../../hl7-bridge/src/bench/hl7-bench.ts';
import { importBench } from './import-bench.ts';
import { matchBench } from './match-bench.ts';
import { routeBench } from './route-bench.ts';
import { viewerBench } from './viewer-bench.ts';

const BENCHMARKS: Record<string, () => Promise<void>> = {
  import: importBench,
  match: matchBench,
  route: routeBench,
  viewer: viewerBench,
  hl7: async () => {
    console.log('\nHL7: 10,000 ORM^O01 on one connection, durable inbox vs a bare ACK-only listener\n');
    console.log(formatHl7BenchTable(await runHl7Bench()));
  },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length === 0 ? Object.keys(BENCHMARKS) : wanted) {
  const bench = BENCHMARKS[name];
  if (bench !== undefined) await bench();
}
