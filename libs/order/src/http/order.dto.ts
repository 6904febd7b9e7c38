import { PageDto, PageQueryDto } from '@coursehub/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { OrderEntity } from '../data/order.entity';
import { ORDER_STATUSES, OrderStatus } from '../order.constants';

export class CreateOrderDto {
  @ApiProperty({ format: 'uuid', description: 'The course to enrol in.' })
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
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ format: 'uuid' })
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

  @ApiProperty({ enum: ORDER_STATUSES })
  status!: OrderStatus;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  cancelledAt!: string | null;
}

export class OrderPageDto extends PageDto(OrderDto) {}

/** `?cursor=&limit=` plus the filters; a cursor belongs to the filters it was made with. */
export class ListOrdersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Admins only: list this user's orders instead of their own.",
  })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export function toOrderDto(order: OrderEntity): OrderDto {
  return {
    id: order.id,
    userId: order.userId,
    courseId: order.courseId,
    courseTitle: order.courseTitle,
    price: order.price,
    currency: order.currency,
    status: order.status,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    cancelledAt: order.cancelledAt ? order.cancelledAt.toISOString() : null,
  };
}
