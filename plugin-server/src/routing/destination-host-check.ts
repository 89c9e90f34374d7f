import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../domain/errors.ts';

// Destination hosts are typed by admins and then contacted by Orthanc (C-STORE, C-ECHO) or by
// the sidecar (HTTP peers). Without a check, the routing page would be a way to make this machine
// talk to its own services or to the cloud metadata service (server-side request forgery).
// Issue #6: no loopback or link-local targets unless `routing.allowLoopbackDestinations`.
//
// The check runs when a destination is saved and tested. Orthanc resolves the name again when it
// connects, so a DNS record changed afterwards (DNS rebinding) is not caught here; the loopback
// and link-local ranges are also what a host firewall should refuse to the Orthanc user.

/** Why an address is refused; `null` when it is an ordinary (public or private network) address. */
export type BlockedAddressKind = 'loopback' | 'link-local' | 'unspecified' | 'cloud metadata';

function blockList(subnets: readonly (readonly [string, number, 'ipv4' | 'ipv6'])[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

// BlockList also matches IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) against the IPv4 ranges.
const BLOCKED: readonly (readonly [BlockedAddressKind, BlockList])[] = [
  // Checked first: these sit inside the link-local range, and no setting allows them.
  [
    'cloud metadata',
    blockList([
      ['169.254.169.254', 32, 'ipv4'], // AWS, GCP, Azure, OpenStack instance metadata
      ['169.254.170.2', 32, 'ipv4'], // AWS ECS task metadata and credentials
      ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud instance metadata
      ['fd00:ec2::254', 128, 'ipv6'], // AWS instance metadata over IPv6
    ]),
  ],
  [
    'loopback',
    blockList([
      ['127.0.0.0', 8, 'ipv4'],
      ['::1', 128, 'ipv6'],
    ]),
  ],
  [
    'unspecified',
    blockList([
      // "This network" (RFC 1122 3.2.1.3): connecting to 0.0.0.0 reaches this machine on Linux.
      ['0.0.0.0', 8, 'ipv4'],
      ['::', 128, 'ipv6'],
    ]),
  ],
  [
    'link-local',
    blockList([
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ]),
  ],
];

/** Classifies an IP address literal (IPv4 or IPv6, with or without a zone id). Pure. */
export function blockedAddressKind(address: string): BlockedAddressKind | null {
  const family = isIP(address);
  if (family === 0) throw new DomainError('invalid_input', `${JSON.stringify(address)} is not an IP address`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [kind, list] of BLOCKED) if (list.check(address, type)) return kind;
  return null;
}

/** Whether `routing.allowLoopbackDestinations` lifts the refusal of this kind. Metadata never. */
export function isAllowedByLoopbackSetting(kind: BlockedAddressKind): boolean {
  return kind !== 'cloud metadata';
}

const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** What is wrong with the spelling of a host (name or IP literal), or `null`. Pure. */
export function hostSyntaxProblem(host: string): string | null {
  if (host === '') return 'the host is empty';
  if (host !== host.trim()) return 'the host has leading or trailing spaces';
  if (host.startsWith('[') && host.endsWith(']')) return 'write an IPv6 address without brackets';
  if (isIP(host) !== 0) return null;
  if (host.length > 253) return 'a host name has at most 253 characters';
  const labels = (host.endsWith('.') ? host.slice(0, -1) : host).split('.');
  if (!labels.every((label) => HOST_LABEL.test(label))) {
    return `${JSON.stringify(host)} is neither an IP address nor a host name (letters, digits, - and _ between dots)`;
  }
  return null;
}

/** `localhost` and every name under `.localhost` are loopback by definition (RFC 6761 6.3). */
export function isLoopbackName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** Resolves a host name to all its addresses, as `dns.lookup(name, { all: true })` does. */
export type HostLookup = (hostname: string) => Promise<readonly { address: string }[]>;

const LOOKUP_TIMEOUT_MS = 5000;

/** The system resolver (the one Orthanc and DCMTK use too: getaddrinfo, /etc/hosts included). */
export const systemLookup: HostLookup = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export interface HostCheckOptions {
  /** `routing.allowLoopbackDestinations`. */
  allowLoopback: boolean;
  lookup?: HostLookup;
}

function refusal(host: string, what: string, kind: BlockedAddressKind): DomainError {
  const rule = isAllowedByLoopbackSetting(kind)
    ? 'loopback, link-local and unspecified destinations are refused unless routing.allowLoopbackDestinations ' +
      'is set in the configuration file'
    : 'the cloud metadata service is never a destination';
  return new DomainError('invalid_input', `destination host ${JSON.stringify(host)} ${what} (${kind}): ${rule}`, {
    host,
    kind,
  });
}

async function resolve(host: string, lookup: HostLookup): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${LOOKUP_TIMEOUT_MS / 1000} s`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    const answers = await Promise.race([lookup(host), timeout]);
    return answers.map((answer) => answer.address);
  } catch (error) {
    const reason = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
    throw new DomainError(
      'invalid_input',
      `destination host ${JSON.stringify(host)} could not be resolved: ${reason}`,
      {
        host,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Refuses a destination host that is, or resolves to, a loopback, link-local, unspecified or
 * cloud metadata address (every address of a name is checked). Returns the addresses checked.
 * Throws DomainError 'invalid_input' with a message fit for the admin.
 */
export async function checkDestinationHost(host: string, options: HostCheckOptions): Promise<string[]> {
  const problem = hostSyntaxProblem(host);
  if (problem !== null) throw new DomainError('invalid_input', `destination host: ${problem}`, { host });
  if (isLoopbackName(host) && !options.allowLoopback) throw refusal(host, 'is a loopback name', 'loopback');
  const literal = isIP(host) !== 0;
  const addresses = literal ? [host] : await resolve(host, options.lookup ?? systemLookup);
  if (addresses.length === 0) {
    throw new DomainError('invalid_input', `destination host ${JSON.stringify(host)} has no address`, { host });
  }
  for (const address of addresses) {
    const kind = blockedAddressKind(address);
    if (kind === null) continue;
    if (options.allowLoopback && isAllowedByLoopbackSetting(kind)) continue;
    throw refusal(host, literal ? 'is a refused address' : `resolves to ${address}`, kind);
  }
  return addresses;
}
