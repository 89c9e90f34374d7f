// Shared pieces of the benchmarks: a results table with ratios, timing, and the CT they move around.

import { request, type Agent } from 'node:http';
import { orthancAuthorizationHeader, type RunningOrthanc } from '@outside/orthanc-config';
import { makeUid, syntheticInstance, type SyntheticPatient } from '../fixtures/synthetic-dicom.ts';

export interface BenchRow {
  name: string;
  seconds: number;
  instances: number;
  bytes: number;
  note?: string;
}

export function rate(row: BenchRow): { perSecond: number; megabytesPerSecond: number } {
  return { perSecond: row.instances / row.seconds, megabytesPerSecond: row.bytes / 1024 / 1024 / row.seconds };
}

/** Prints rows with instances/s, MB/s and each row's ratio to the named baseline row. */
export function printTable(title: string, rows: BenchRow[], baselineName: string): void {
  const baseline = rows.find((row) => row.name === baselineName);
  const base = baseline === undefined ? undefined : rate(baseline).perSecond;
  const header = ['path', 'instances', 'seconds', 'inst/s', 'MB/s', `ratio vs ${baselineName}`];
  const lines = rows.map((row) => {
    const { perSecond, megabytesPerSecond } = rate(row);
    return [
      row.name + (row.note === undefined ? '' : ` (${row.note})`),
      String(row.instances),
      row.seconds.toFixed(2),
      perSecond.toFixed(1),
      megabytesPerSecond.toFixed(1),
      base === undefined ? '-' : (perSecond / base).toFixed(2),
    ];
  });
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const format = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(format(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

/** A synthetic 512x512 CT of `slices` slices in one series, as the bytes of its files. */
export function syntheticCt(
  slices: number,
  patient: Partial<SyntheticPatient>,
  accessionNumber: string,
): { studyUid: string; files: Uint8Array[]; bytes: number } {
  const studyUid = makeUid();
  const seriesUid = makeUid();
  const files = Array.from(
    { length: slices },
    (_, slice) =>
      syntheticInstance({
        patient,
        accessionNumber,
        studyInstanceUID: studyUid,
        seriesInstanceUID: seriesUid,
        sliceIndex: slice,
        rows: 512,
        columns: 512,
      }).bytes,
  );
  return { studyUid, files, bytes: files.reduce((total, file) => total + file.length, 0) };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, value };
}

/** The plain baseline upload: one POST /instances on a keep-alive agent, status checked. */
export function postInstance(orthanc: RunningOrthanc, agent: Agent, body: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${orthanc.httpUrl}/instances`,
      {
        method: 'POST',
        agent,
        headers: { authorization: orthancAuthorizationHeader(orthanc.credentials), 'content-length': body.length },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`)),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
