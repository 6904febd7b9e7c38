// The public API: what a composition root composes, and the feature's name (= its database).
export { ORDER_FEATURE } from './order.constants';
export { OrderModule } from './order.module';
