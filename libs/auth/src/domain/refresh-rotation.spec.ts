import { decideRefresh } from './refresh-rotation';

describe('refresh token rotation', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const later = new Date('2026-12-22T12:00:00Z');
  const earlier = new Date('2026-11-01T12:00:00Z');

  it('rotates a live, unspent token', () => {
    expect(decideRefresh({ expiresAt: later, spentAt: null, revokedAt: null }, now)).toBe('rotate');
  });

  it('treats a spent token as a replay and revokes the family', () => {
    expect(decideRefresh({ expiresAt: later, spentAt: earlier, revokedAt: null }, now)).toBe('revoke-family');
  });

  it('rejects a revoked token without further effect, even if it was also spent', () => {
    expect(decideRefresh({ expiresAt: later, spentAt: earlier, revokedAt: earlier }, now)).toBe(
      'reject-revoked',
    );
  });

  it('rejects an expired token, including at the exact expiry instant', () => {
    expect(decideRefresh({ expiresAt: earlier, spentAt: null, revokedAt: null }, now)).toBe('reject-expired');
    expect(decideRefresh({ expiresAt: now, spentAt: null, revokedAt: null }, now)).toBe('reject-expired');
  });

  it('still detects replay of an expired spent token', () => {
    expect(decideRefresh({ expiresAt: earlier, spentAt: earlier, revokedAt: null }, now)).toBe(
      'revoke-family',
    );
  });
});
