import { clientKeyOf } from './client-key';

describe('clientKeyOf', () => {
  it.each([
    ['an IPv4 address as itself', '203.0.113.7', '203.0.113.7'],
    ['an IPv6 address by its /64', '2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['the last address of that /64 the same', '2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['the next /64 apart', '2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['an IPv4-mapped IPv6 address as its IPv4 address', '::ffff:203.0.113.7', '203.0.113.7'],
    ['what is not an address as itself', 'not-an-address', 'not-an-address'],
  ])('counts %s', (_case, address, key) => {
    expect(clientKeyOf(address)).toBe(key);
  });
});
