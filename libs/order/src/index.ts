export * from './catalog/course-catalog';
export * from './dto/order.dto';
export * from './order.constants';
export * from './order.env';
export * from './order.module';
export * from './orders/order.entity';
