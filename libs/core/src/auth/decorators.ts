import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors';
import { AuthenticatedUser, Role } from './authenticated-user';
import { JwtAccessGuard, OPTIONAL_AUTH_KEY, ROLES_KEY, RolesGuard } from './guards';

export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The route needs a valid access token, and one of `roles` when any are given. */
export function Authenticated(...roles: Role[]) {
  return applyDecorators(
    Roles(...roles),
    UseGuards(JwtAccessGuard, RolesGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'Missing, expired or invalid access token.',
    }),
    ...(roles.length > 0
      ? [
          ApiForbiddenResponse({
            type: ErrorResponseDto,
            description: `Requires role: ${roles.join(' or ')}.`,
          }),
        ]
      : []),
  );
}

/** The route serves anonymous callers too, and knows the caller when a valid token is sent. */
export function OptionalAuth() {
  return applyDecorators(SetMetadata(OPTIONAL_AUTH_KEY, true), UseGuards(JwtAccessGuard), ApiBearerAuth());
}

export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser | undefined =>
    context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user,
);
