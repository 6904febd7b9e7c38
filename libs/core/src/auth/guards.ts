import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, IAuthModuleOptions } from '@nestjs/passport';
import { AuthenticatedUser, Role } from './authenticated-user';
import { JwtAccessStrategy } from './jwt-access.strategy';

export const ROLES_KEY = 'coursehub:roles';
export const OPTIONAL_AUTH_KEY = 'coursehub:optional-auth';

/**
 * Requires a valid access token; with `@OptionalAuth()` an absent token means an anonymous caller.
 * It authenticates with the JwtAccessStrategy of its own app, by that instance's name: passport's
 * registry is process-wide, so with one shared name the last app created in a process (tests,
 * benches, rolling restarts simulated in one process) would verify every app's tokens with its keys.
 */
@Injectable()
export class JwtAccessGuard extends AuthGuard() {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtAccessStrategy,
  ) {
    super({ defaultStrategy: strategy.strategyName });
  }

  override canActivate(context: ExecutionContext) {
    const optional = this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    if (optional && !request.headers.authorization) return true;
    // @nestjs/passport injects its module options into `options` after construction: name ours again.
    const self = this as unknown as { options: IAuthModuleOptions };
    self.options = { ...self.options, defaultStrategy: this.strategy.strategyName };
    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthenticatedUser>(error: unknown, user: TUser | false): TUser {
    if (error instanceof UnauthorizedException) throw error;
    if (error || !user) throw new UnauthorizedException('Invalid or missing access token');
    return user;
  }
}

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required || required.length === 0) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
    if (!user) throw new UnauthorizedException('Invalid or missing access token');
    if (!required.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException('You do not have permission to do this');
    }
    return true;
  }
}
