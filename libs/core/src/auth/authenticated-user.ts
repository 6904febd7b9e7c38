export const ROLES = ['student', 'instructor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified access token. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  roles: Role[];
  /** Whether the address was verified when the token was issued (absent in tokens from before issue 16). */
  emailVerified?: boolean;
}

export interface AccessTokenClaims {
  sub: string;
  email: string;
  roles: Role[];
  emailVerified?: boolean;
  iss: string;
  aud: string | string[];
  exp: number;
  iat: number;
}
