import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtAccessGuard, RolesGuard } from './guards';
import { JwtAccessStrategy } from './jwt-access.strategy';

@Global()
@Module({
  imports: [PassportModule],
  providers: [JwtAccessStrategy, JwtAccessGuard, RolesGuard],
  exports: [JwtAccessStrategy, JwtAccessGuard, RolesGuard],
})
export class AccessTokenVerificationModule {}
