import { InjectTransactionHost, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

/**
 * A feature database's transactions (nestjs-cls): `transactions.withTransaction(fn)` opens one,
 * and every repository of that database that reads `transactions.tx` inside `fn` (however deep the
 * call) runs in it; outside a transaction `tx` is the plain entity manager. No `EntityManager`
 * parameters are threaded through signatures.
 */
export type FeatureTransactions = TransactionHost<TransactionalAdapterTypeOrm>;

/** Injects the FeatureTransactions of the feature database named `database` (e.g. `order`). */
export const InjectFeatureTransactions = (database: string) => InjectTransactionHost(database);
