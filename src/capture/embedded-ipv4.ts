// IPv6 addresses that carry an IPv4 address inside them. A host reached through one of these
// forms (NAT64, 6to4, Teredo, SIIT) is the IPv4 host, so the URL guard judges the address by
// what it embeds: 64:ff9b::169.254.169.254 is the metadata endpoint, not a public address.
// Pure; the input is an address `net.isIP` accepts as IPv6.

/** The eight 16-bit groups of an IPv6 address (a zone id, "%eth0", is dropped). */
export function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  // A trailing dotted quad ("::ffff:1.2.3.4") is the last two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const [head = '', tail] = text.split('::');
  const before = groups(head);
  const after = tail === undefined ? [] : groups(tail);
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}

const dotted = (bytes: number[]) => bytes.join('.');
const bytesOf = (groups: number[]) => groups.flatMap((g) => [g >> 8, g & 0xff]);

/**
 * RFC 6052: the IPv4 address after a NAT64 prefix of `prefixBits` (32–96), skipping bits
 * 64–71 (the "u" octet, always zero).
 */
function afterNat64Prefix(bytes: number[], prefixBits: number): string {
  const taken: number[] = [];
  for (let i = prefixBits / 8; taken.length < 4; i++) if (i !== 8) taken.push(bytes[i] ?? 0);
  return dotted(taken);
}

/**
 * Every IPv4 address `groups` embeds, or [] for none:
 * - IPv4-mapped ::ffff:a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d (SIIT), IPv4-compatible ::a.b.c.d;
 * - NAT64 64:ff9b::/96 (RFC 6052);
 * - local-use NAT64 64:ff9b:1::/48 (RFC 8215): the operator picks the prefix length, which the
 *   address does not tell, so it is read at every length the /48 allows (48, 56, 64, 96) and
 *   all readings are judged, except those in 0.0.0.0/8: "this network" is no destination a
 *   NAT64 translates to, and the bytes a wrong length reads are mostly zeros (a reading of
 *   64:ff9b:1::8.8.8.8 at /48 is 0.0.0.0). When every reading is one, 0.0.0.0 is returned;
 * - 6to4 2002::/16: the address in bits 16–47;
 * - Teredo 2001:0::/32: the server in bits 32–63 and the client, inverted, in the last 32.
 * Callers handle :: and ::1 before asking (they lie inside ::/96 but are not IPv4-compatible).
 */
export function embeddedIPv4(groups: number[]): string[] {
  const bytes = bytesOf(groups);
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  const last32 = dotted(bytes.slice(12));
  const [g0, g1, g2] = groups as [number, number, number];
  if (zero(0, 5) && groups[5] === 0xffff) return [last32];
  if (zero(0, 4) && groups[4] === 0xffff && groups[5] === 0) return [last32];
  if (zero(0, 6)) return [last32];
  if (g0 === 0x64 && g1 === 0xff9b && zero(2, 6)) return [last32];
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) {
    const readings = [48, 56, 64, 96].map((bits) => afterNat64Prefix(bytes, bits)).filter((v4) => !v4.startsWith('0.'));
    return readings.length > 0 ? readings : ['0.0.0.0'];
  }
  if (g0 === 0x2002) return [dotted(bytes.slice(2, 6))];
  if (g0 === 0x2001 && g1 === 0) return [dotted(bytes.slice(4, 8)), dotted(bytes.slice(12).map((b) => b ^ 0xff))];
  return [];
}
