import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/errors.ts';
import {
  blockedAddressKind,
  checkDestinationHost,
  hostSyntaxProblem,
  isLoopbackName,
  type HostLookup,
} from './destination-host-check.ts';

describe('blockedAddressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.10.3', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['FE80::abcd%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['169.254.170.2', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['10.1.2.3', null],
    ['192.168.0.10', null],
    ['172.16.5.4', null],
    ['128.0.0.1', null],
    ['126.255.255.255', null],
    ['169.253.255.255', null],
    ['fec0::1', null],
    ['2001:db8::1', null],
    ['fd00::1', null],
  ])('%s is %s', (address, kind) => {
    expect(blockedAddressKind(address)).toBe(kind);
  });

  it('refuses what is not an IP address', () => {
    expect(() => blockedAddressKind('pacs.example')).toThrow(DomainError);
  });
});

describe('hostSyntaxProblem', () => {
  it.each(['pacs', 'pacs.hospital.example', 'PACS-01.example.', 'pacs_cardio.local', '10.0.0.5', '2001:db8::7'])(
    'accepts %s',
    (host) => {
      expect(hostSyntaxProblem(host)).toBeNull();
    },
  );
  it.each([
    ['', /empty/],
    [' pacs', /spaces/],
    ['[::1]', /without brackets/],
    ['pacs..example', /neither/],
    ['-pacs', /neither/],
    ['pacs/dicom', /neither/],
    ['http://pacs', /neither/],
    ['pacs:4242', /neither/],
    [`${'a'.repeat(64)}.example`, /neither/],
    [`${'a.'.repeat(127)}ab`, /253/],
  ])('refuses %j', (host, message) => {
    expect(hostSyntaxProblem(host)).toMatch(message);
  });
});

describe('isLoopbackName', () => {
  it.each([
    ['localhost', true],
    ['LocalHost.', true],
    ['pacs.localhost', true],
    ['localhost.example', false],
    ['mylocalhost', false],
  ])('%s: %s', (host, expected) => {
    expect(isLoopbackName(host)).toBe(expected);
  });
});

/** A resolver that answers from a table and fails for every other name. */
function fakeLookup(table: Record<string, string[]>): HostLookup {
  return async (hostname) => {
    const addresses = table[hostname];
    if (addresses === undefined)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address }));
  };
}

const lookup = fakeLookup({
  'pacs.example': ['10.0.0.5', '2001:db8::5'],
  'sneaky.example': ['10.0.0.6', '127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'linklocal.example': ['fe80::5'],
});

describe('checkDestinationHost', () => {
  it('accepts an address on the hospital network, and a name whose every address is', async () => {
    expect(await checkDestinationHost('10.0.0.5', { allowLoopback: false, lookup })).toEqual(['10.0.0.5']);
    expect(await checkDestinationHost('pacs.example', { allowLoopback: false, lookup })).toEqual([
      '10.0.0.5',
      '2001:db8::5',
    ]);
  });

  it.each([
    ['127.0.0.1', /"127\.0\.0\.1" is a refused address \(loopback\).*allowLoopbackDestinations/],
    ['::1', /loopback/],
    ['0.0.0.0', /unspecified/],
    ['169.254.10.10', /link-local/],
    ['sneaky.example', /"sneaky\.example" resolves to 127\.0\.0\.1 \(loopback\)/],
    ['linklocal.example', /resolves to fe80::5 \(link-local\)/],
    ['metadata.example', /cloud metadata/],
    ['localhost', /"localhost" is a loopback name/],
    ['pacs.localhost', /loopback name/],
    ['nowhere.example', /"nowhere\.example" could not be resolved: ENOTFOUND/],
    ['pacs dicom', /neither an IP address nor a host name/],
  ])('refuses %s unless allowed', async (host, message) => {
    const error = await checkDestinationHost(host, { allowLoopback: false, lookup }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_input');
    expect((error as DomainError).message).toMatch(message);
  });

  it('allows loopback, link-local and unspecified with allowLoopbackDestinations, never the metadata service', async () => {
    const allowed = { allowLoopback: true, lookup };
    expect(await checkDestinationHost('127.0.0.1', allowed)).toEqual(['127.0.0.1']);
    expect(await checkDestinationHost('sneaky.example', allowed)).toEqual(['10.0.0.6', '127.0.0.1']);
    expect(await checkDestinationHost('fe80::1', allowed)).toEqual(['fe80::1']);
    await expect(checkDestinationHost('169.254.169.254', allowed)).rejects.toThrow(/never a destination/);
    await expect(checkDestinationHost('metadata.example', allowed)).rejects.toThrow(/cloud metadata/);
  });

  it('refuses localhost through the system resolver too, and resolves it when allowed', async () => {
    // No fake resolver: the name rule refuses it before DNS, and with the setting the system
    // resolver (/etc/hosts) answers with loopback addresses only.
    await expect(checkDestinationHost('localhost', { allowLoopback: false })).rejects.toThrow(/loopback name/);
    const addresses = await checkDestinationHost('localhost', { allowLoopback: true });
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.every((address) => blockedAddressKind(address) === 'loopback')).toBe(true);
  });

  it('catches loopback spelled as a name the resolver turns into 127.0.0.1', async () => {
    // getaddrinfo (which Orthanc uses too) reads "127.1" and "2130706433" as 127.0.0.1.
    await expect(checkDestinationHost('127.1', { allowLoopback: false })).rejects.toThrow(/resolves to 127\.0\.0\.1/);
    await expect(checkDestinationHost('2130706433', { allowLoopback: false })).rejects.toThrow(/loopback/);
  });
});
