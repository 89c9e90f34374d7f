// Our listener against a real external MLLP client: `mllp_send` from python-hl7 (Debian's
// python3-hl7, 0.4.5). What it does, read from hl7/client.py:
// - Without --loose, the file must already be MLLP-framed: it is split at every EB (0x1C), and
//   each piece is stripped of SB and CR at both ends and framed again. So the last segment's
//   trailing CR is removed on the way: the server receives 'MSH|...\rPID|...', not '...PID|...\r'.
// - With --loose, the file is plain text: SB/EB/FF bytes are dropped, LF and CRLF become CR, and a
//   message starts at every 'MSH|^~\&|'; trailing CR/LF/space are stripped as well.
// - It sends one message, then does a single recv(4096) and prints those raw bytes (framing
//   included) plus '\n' to stdout: no pipelining, and an ACK longer than one read would be split.
// - Its -q/--quiet flag does nothing (store_true into `verbose`, default True).

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MllpServer } from './mllp-server.ts';
import { ackFor, bytes, frame, recordingHandler } from './mllp-test-support.ts';

const run = promisify(execFile);

// Debian's own interpreter: the project's PATH may put another python first.
const PYTHON = '/usr/bin/python3';
const MLLP_SEND = '/usr/bin/mllp_send';

const MESSAGES = [1, 2, 3].map((index) =>
  bytes(
    `MSH|^~\\&|EMR|HOSP|OUTSIDE|HOSP|2024010112000${index}||ORM^O01|CTRL${index}|P|2.3\r` +
      `PID|1||10${index}^^^HOSP^MR||DOE^JANE\r` +
      `ORC|NW|PLACER${index}\r`,
  ),
);

/** What mllp_send actually puts on the wire for each message: the trailing CR is stripped. */
const MESSAGES_AS_SENT = MESSAGES.map((message) => message.subarray(0, message.length - 1));

let directory = '';
let servers: MllpServer[] = [];

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'outside-mllp-send-'));
});

afterAll(() => {
  if (directory !== '') rmSync(directory, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
});

async function sendFile(fileContent: Buffer, extraArguments: string[] = []) {
  const recorder = recordingHandler();
  const server = new MllpServer({ port: 0, handler: recorder.handler });
  servers.push(server);
  const { port } = await server.start();
  const file = join(directory, `messages-${port}.hl7`);
  writeFileSync(file, fileContent);
  // execFile, not execFileSync: the server runs in this process and must keep answering.
  const { stdout } = await run(
    PYTHON,
    [MLLP_SEND, ...extraArguments, '--file', file, '--port', String(port), '127.0.0.1'],
    { encoding: 'buffer' },
  );
  return { recorder, stdout };
}

/** mllp_send prints each ACK as received, framing included, followed by a newline. */
function expectedOutput(payloads: readonly Buffer[]): Buffer {
  return Buffer.concat(payloads.map((payload) => Buffer.concat([frame(ackFor(payload)), bytes('\n')])));
}

describe('mllp_send (python-hl7) against MllpServer', () => {
  it('delivers each of three framed messages once and prints our three ACKs', async () => {
    const { recorder, stdout } = await sendFile(Buffer.concat(MESSAGES.map((message) => frame(message))));
    expect(recorder.calls.map((call) => call.payload)).toEqual(MESSAGES_AS_SENT);
    expect(stdout).toEqual(expectedOutput(MESSAGES_AS_SENT));
  });

  it('with --loose, turns LF-separated text into CR-separated messages', async () => {
    const text = MESSAGES.map((message) => message.toString('latin1').replaceAll('\r', '\n')).join('\n');
    const { recorder, stdout } = await sendFile(bytes(text), ['--loose']);
    expect(recorder.calls.map((call) => call.payload)).toEqual(MESSAGES_AS_SENT);
    expect(stdout).toEqual(expectedOutput(MESSAGES_AS_SENT));
  });
});
