import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsEmail, IsInt, Min } from 'class-validator';
import {
  Authenticated,
  CoreModule,
  coreEnvSchema,
  CurrentUser,
  AuthenticatedUser,
  jwtVerifierEnvSchema,
  ConflictError,
  UnavailableError,
} from '@coursehub/core';

class ThingDto {
  @IsEmail() email!: string;
  @IsInt() @Min(1) count!: number;
}

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() body: ThingDto): ThingDto {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('secret SQL details');
  }

  @Get('taken')
  taken(): never {
    throw new ConflictError('That name is taken');
  }

  @Get('away')
  away(): never {
    throw new UnavailableError('The catalogue is not available; please retry later', 7);
  }

  @Get('mine')
  @Authenticated('admin')
  mine(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }
}

export function smokeModule(env: Record<string, string>) {
  @Module({
    imports: [CoreModule.forRoot({ envSchema: coreEnvSchema.extend(jwtVerifierEnvSchema.shape), env })],
    controllers: [ThingsController],
  })
  class SmokeModule {}
  return SmokeModule;
}
