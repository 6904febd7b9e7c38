import { counter, gauge, histogram, isOperationalRoute } from './registry';

describe('metric registry', () => {
  it('refuses a metric without the coursehub_ prefix, whatever its kind', () => {
    expect(() => counter({ name: 'orders_total', help: 'x' })).toThrow(/coursehub_<name>/);
    expect(() => gauge({ name: 'outbox_backlog', help: 'x' })).toThrow(/coursehub_<name>/);
    expect(() => histogram({ name: 'http_request_duration_seconds', help: 'x' })).toThrow(/coursehub_<name>/);
  });

  it('hands out the one instance of a metric to every module that asks for it', () => {
    const first = counter({ name: 'coursehub_registry_spec_total', help: 'x', labelNames: ['kind'] });
    expect(counter({ name: 'coursehub_registry_spec_total', help: 'x', labelNames: ['kind'] })).toBe(first);
  });

  it.each([
    ['/metrics', true],
    ['/health', true],
    ['/health/live', true],
    ['/health/dependencies', true],
    ['/healthy-courses', false],
    ['/orders', false],
    ['unmatched', false],
  ])('%s is an operational route: %s', (route, operational) => {
    expect(isOperationalRoute(route)).toBe(operational);
  });
});
