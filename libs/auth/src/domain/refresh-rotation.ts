export interface RefreshTokenState {
  expiresAt: Date;
  spentAt: Date | null;
  revokedAt: Date | null;
}

/**
 * What presenting a refresh token leads to. A token that was already spent is being replayed:
 * either it was stolen or the client is confused, and either way the whole family is revoked.
 */
export type RefreshDecision = 'rotate' | 'revoke-family' | 'reject-revoked' | 'reject-expired';

export function decideRefresh(token: RefreshTokenState, now: Date): RefreshDecision {
  if (token.revokedAt) return 'reject-revoked';
  if (token.spentAt) return 'revoke-family';
  if (token.expiresAt.getTime() <= now.getTime()) return 'reject-expired';
  return 'rotate';
}
