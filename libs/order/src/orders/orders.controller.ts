import { Authenticated, AuthenticatedUser, CurrentUser, ErrorResponseDto } from '@coursehub/core';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CancelOrderDto, CreateOrderDto, ListOrdersQueryDto, OrderDto, OrderPageDto } from '../dto/order.dto';
import { OrdersService } from './orders.service';
import { RetryAfterInterceptor } from './retry-after.interceptor';

/** Visible ASCII, as Stripe and the IETF draft allow; long enough for a UUID or a ULID with a prefix. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

@ApiTags('orders')
@Controller('orders')
@Authenticated()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(201)
  @UseInterceptors(RetryAfterInterceptor)
  @ApiOperation({
    summary: 'Order (enrol in) a course for the caller; free and paid courses are confirmed at once.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Makes retries safe: the same key and body from the same user return the first response for 24 h.',
  })
  @ApiCreatedResponse({ type: OrderDto, description: 'Confirmed (or the replay of the first response).' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid body or Idempotency-Key.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such course.' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description:
      'The caller already has a confirmed order of this course, or a request with this key is still running.',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description: 'The course is not published, or the key was used with a different body.',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorResponseDto,
    description: 'The course service did not answer; nothing was stored. Retry after `Retry-After` seconds.',
    headers: {
      'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
    },
  })
  async place(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateOrderDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderDto> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestException('Idempotency-Key must be 1 to 255 visible ASCII characters');
    }
    const placed = await this.orders.place(user, body, idempotencyKey);
    void reply.status(placed.status);
    if (placed.replayed) void reply.header('idempotent-replayed', 'true');
    return placed.order;
  }

  @Get()
  @ApiOperation({ summary: "The caller's orders, newest first (admins may ask for another user's)." })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'userId of someone else, by a non-admin.' })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListOrdersQueryDto): Promise<OrderPageDto> {
    return this.orders.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order (its owner or an admin).' })
  @ApiOkResponse({ type: OrderDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'The id is not a UUID.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: "No such order, or someone else's." })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<OrderDto> {
    return this.orders.get(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an order (its owner or an admin); cancelling twice changes nothing.' })
  @ApiBody({ type: CancelOrderDto, required: false })
  @ApiOkResponse({ type: OrderDto, description: 'The cancelled order.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: "No such order, or someone else's." })
  cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CancelOrderDto | undefined,
  ): Promise<OrderDto> {
    return this.orders.cancel(user, id, body?.reason);
  }
}
