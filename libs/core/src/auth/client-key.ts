import ipaddr from 'ipaddr.js';

/**
 * What counts as one client for throttling: an IPv4 address, or the /64 network of an IPv6 one
 * (one subscriber gets a whole /64, so single IPv6 addresses cost an attacker nothing to rotate).
 * IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function clientKeyOf(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const network = (parsed as ipaddr.IPv6).toByteArray().slice(0, 8);
  return `${ipaddr.fromByteArray([...network, 0, 0, 0, 0, 0, 0, 0, 0]).toString()}/64`;
}
