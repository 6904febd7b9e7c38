export const ROLES = ['student', 'instructor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as proven by a verified access token. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  roles: Role[];
}

export interface AccessTokenClaims {
  sub: string;
  email: string;
  roles: Role[];
  iss: string;
  aud: string | string[];
  exp: number;
  iat: number;
}
