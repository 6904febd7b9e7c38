import {
  Authenticated,
  AuthenticatedUser,
  CurrentUser,
  ErrorResponseDto,
  Idempotent,
  RateLimit,
} from '@coursehub/core';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { OrdersService } from '../domain/orders.service';
import { IDEMPOTENCY_KEY_TTL_SECONDS } from '../order.constants';
import {
  CancelOrderDto,
  CreateOrderDto,
  ListOrdersQueryDto,
  OrderDto,
  OrderPageDto,
  toOrderDto,
} from './order.dto';
import { OrderingAllowedGuard } from './ordering-allowed.guard';

@ApiTags('orders')
@Controller('orders')
@Authenticated()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @HttpCode(201)
  // Guards run bottom-up here: the rate limit first, then whether the caller may order at all.
  @UseGuards(OrderingAllowedGuard)
  @RateLimit('orders')
  @Idempotent({ ttlSeconds: IDEMPOTENCY_KEY_TTL_SECONDS })
  @ApiOperation({
    summary: 'Order (enrol in) a course for the caller; free and paid courses are confirmed at once.',
  })
  @ApiCreatedResponse({ type: OrderDto, description: 'Confirmed (or the replay of the first response).' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid body or Idempotency-Key.' })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'No valid access token, or the account has been deleted.',
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description:
      'ORDERS_REQUIRE_VERIFIED_EMAIL is on and the caller has not verified their e-mail address ' +
      '("Verify your e-mail address first").',
  })
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
  async place(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateOrderDto): Promise<OrderDto> {
    return toOrderDto(await this.orders.place(user, body.courseId));
  }

  @Get()
  @ApiOperation({ summary: "The caller's orders, newest first (admins may ask for another user's)." })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'userId of someone else, by a non-admin.' })
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ListOrdersQueryDto,
  ): Promise<OrderPageDto> {
    return OrderPageDto.from(await this.orders.list(user, query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order (its owner or an admin).' })
  @ApiOkResponse({ type: OrderDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'The id is not a UUID.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: "No such order, or someone else's." })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<OrderDto> {
    return toOrderDto(await this.orders.get(user, id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an order (its owner or an admin); cancelling twice changes nothing.' })
  @ApiBody({ type: CancelOrderDto, required: false })
  @ApiOkResponse({ type: OrderDto, description: 'The cancelled order.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: "No such order, or someone else's." })
  async cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body?: CancelOrderDto,
  ): Promise<OrderDto> {
    return toOrderDto(await this.orders.cancel(user, id, body?.reason));
  }
}
