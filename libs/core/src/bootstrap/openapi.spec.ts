import { Controller, Get, Module, Post, ServiceUnavailableException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiBadRequestResponse, ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors';
import { BEARER_AUTH_DESCRIPTION, buildOpenApiDocument } from './openapi';
import { ProbeAwareExceptionFilter } from './probe-aware-exception.filter';

@ApiTags('courses')
@Controller('things')
class ThingsController {
  @Get()
  list(): string[] {
    return [];
  }

  @Post()
  @ApiBearerAuth()
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'Missing, expired or invalid access token.',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid body.' })
  create(): string {
    return 'made';
  }
}

let ready = false;

@Controller('health')
class ProbeController {
  @Get('ready')
  ready(): { status: string } {
    if (!ready) {
      throw new ServiceUnavailableException({ status: 'error', details: { database: { status: 'down' } } });
    }
    return { status: 'ok' };
  }
}

@Module({ controllers: [ThingsController, ProbeController] })
class TestRoot {}

describe('OpenAPI document and probe errors', () => {
  let app: NestFastifyApplication;
  const filter = new ProbeAwareExceptionFilter();

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(TestRoot, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(filter);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('gives every error status its own example in the one error shape', () => {
    const document = buildOpenApiDocument(app, { title: 'test' });
    const responses = document.paths['/things'].post!.responses as unknown as Record<
      string,
      { content: { 'application/json': { example: Record<string, unknown> } } }
    >;
    expect(responses['401'].content['application/json'].example).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing, expired or invalid access token',
      requestId: expect.any(String) as string,
    });
    expect(responses['400'].content['application/json'].example).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      errors: [{ field: 'email', messages: ['email must be an email'] }],
    });
  });

  it('puts a lock only on routes that take a token, and says where a token comes from', () => {
    const document = buildOpenApiDocument(app, { title: 'test' });
    expect(document.paths['/things'].get!.security).toBeUndefined();
    expect(document.paths['/things'].post!.security).toEqual([{ bearer: [] }]);
    expect(document.components!.securitySchemes!.bearer).toMatchObject({
      description: BEARER_AUTH_DESCRIPTION,
    });
    expect(BEARER_AUTH_DESCRIPTION).toContain('POST /auth/login');
    expect(BEARER_AUTH_DESCRIPTION).toContain('admin-password');
    expect(document.tags).toContainEqual({
      name: 'courses',
      description: expect.stringContaining('catalogue') as string,
    });
  });

  it('answers a failing readiness probe with 503 in the error shape and warns once, without a stack', async () => {
    const warnings: unknown[][] = [];
    const warn = jest.spyOn(filter['logger'], 'warn').mockImplementation((...args: unknown[]) => {
      warnings.push(args);
    });
    const errors = jest.spyOn(filter['errors'], 'catch');
    try {
      for (let probe = 0; probe < 3; probe++) {
        const response = await app.inject({ method: 'GET', url: '/health/ready' });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toMatchObject({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'Not ready',
          details: { database: { status: 'down' } },
        });
      }
      expect(warnings).toEqual([
        ['/health/ready answers 503 until database answer(s); logged once until it passes'],
      ]);
      expect(errors).not.toHaveBeenCalled();

      // Ready, then down again: worth one more warning.
      ready = true;
      filter.passed('/health/ready');
      ready = false;
      await app.inject({ method: 'GET', url: '/health/ready' });
      expect(warnings).toHaveLength(2);
    } finally {
      warn.mockRestore();
      errors.mockRestore();
    }
  });
});
