import type { FeatureTransactions } from '@coursehub/core';
import { isUUID } from 'class-validator';
import type { DeepPartial, FindOptionsWhere, Repository } from 'typeorm';
import type { CurriculumItem } from './curriculum-item';

/** What the queries of sections and lessons share: rows that belong to one course's curriculum. */
export abstract class CurriculumItemsRepository<Item extends CurriculumItem> {
  protected constructor(
    protected readonly transactions: FeatureTransactions,
    private readonly entity: new () => Item,
  ) {}

  protected get items(): Repository<Item> {
    return this.transactions.tx.getRepository(this.entity);
  }

  /** The row when it belongs to the course; null otherwise (or not a uuid). */
  findInCourse(courseId: string, id: string): Promise<Item | null> {
    if (!isUUID(courseId) || !isUUID(id)) return Promise.resolve(null);
    return this.items.findOneBy({ id, courseId } as FindOptionsWhere<Item>);
  }

  insert(values: DeepPartial<Item>): Promise<Item> {
    return this.items.save(this.items.create(values));
  }

  save(item: Item): Promise<Item> {
    return this.items.save(item);
  }

  async delete(id: string): Promise<void> {
    await this.items.delete({ id } as FindOptionsWhere<Item>);
  }
}
