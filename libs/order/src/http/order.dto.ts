import { Page, PageDto, PageQueryDto } from '@coursehub/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { OrderEntity } from '../data/order.entity';
import { toOrderView } from '../domain/order-view';
import { ORDER_STATUSES, OrderStatus } from '../order.constants';

export class CreateOrderDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The course to enrol in.',
    example: '5b0e7c1a-9d2f-4e8b-a3c6-1f4d2e9b7a05',
  })
  @IsUUID()
  courseId!: string;
}

export class CancelOrderDto {
  @ApiPropertyOptional({ maxLength: 500, example: 'Changed my mind' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class OrderDto {
  @ApiProperty({ format: 'uuid', example: 'c3a8f2d4-6b1e-4f7a-9d05-8e2b4c6a1f93' })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '7f1c2a9e-3b1d-4c55-9f0e-2a6b8d4e1c30' })
  userId!: string;

  @ApiProperty({ format: 'uuid', example: '5b0e7c1a-9d2f-4e8b-a3c6-1f4d2e9b7a05' })
  courseId!: string;

  @ApiProperty({ example: 'Intro to TypeScript', description: 'Title of the course when it was ordered.' })
  courseTitle!: string;

  @ApiProperty({
    example: 1999,
    description: 'Price when ordered, in integer minor units (cents); 0 = free.',
  })
  price!: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency code.' })
  currency!: string;

  @ApiProperty({ enum: ORDER_STATUSES, example: 'confirmed' })
  status!: OrderStatus;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-29T10:15:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-29T10:15:00.000Z' })
  updatedAt!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description: 'When it was cancelled; null while confirmed.',
  })
  cancelledAt!: string | null;
}

export class OrderPageDto extends PageDto(OrderDto) {
  static from(page: Page<OrderEntity>): OrderPageDto {
    return { items: page.items.map(toOrderDto), nextCursor: page.nextCursor };
  }
}

/** `?cursor=&limit=` plus the filters; a cursor belongs to the filters it was made with. */
export class ListOrdersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES, example: 'confirmed' })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Admins only: list this user's orders instead of their own.",
    example: '7f1c2a9e-3b1d-4c55-9f0e-2a6b8d4e1c30',
  })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

/** The order as the API returns it: its owner's view of it (also in their export) and whose it is. */
export function toOrderDto(order: OrderEntity): OrderDto {
  return { ...toOrderView(order), userId: order.userId };
}
