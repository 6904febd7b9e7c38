import { ConflictError, decodeCursor, NotFoundError, Page, pageOf } from '@coursehub/core';
import { Injectable, Logger } from '@nestjs/common';
import { EMAIL_LIST_SORT } from '../email.constants';
import { EmailRecord } from '../data/email-record.schema';
import { EmailFilter, EmailRecordsRepository } from '../data/email-records.repository';
import { EmailsService } from './emails.service';

/** A page of the admin list: the filters plus the keyset position (`cursor`) and page size. */
export interface EmailListQuery extends EmailFilter {
  cursor?: string;
  limit: number;
}

/** What admins do with the e-mail log: list and read e-mails, re-queue failed ones. */
@Injectable()
export class EmailLogService {
  private readonly logger = new Logger(EmailLogService.name);

  constructor(
    private readonly emails: EmailRecordsRepository,
    private readonly recording: EmailsService,
  ) {}

  /** One page of e-mails, newest first; an altered or foreign cursor is an InvalidInputError. */
  async list(query: EmailListQuery): Promise<Page<EmailRecord>> {
    const { cursor, limit, ...filter } = query;
    const after = cursor ? decodeCursor(cursor, EMAIL_LIST_SORT, 'timestamp') : undefined;
    const rows = await this.emails.listNewestFirst(
      filter,
      limit + 1,
      after && { createdAt: new Date(after.key), eventId: after.id },
    );
    return pageOf(
      rows,
      limit,
      (last) => ({ sort: EMAIL_LIST_SORT, key: last.createdAt.toISOString(), id: last.eventId }),
      (row) => row,
    );
  }

  async get(id: string): Promise<EmailRecord> {
    const email = await this.emails.findById(id);
    if (!email) throw new NotFoundError(`E-mail ${id} not found`);
    return email;
  }

  /** Re-queues a failed e-mail with a fresh attempt budget; any other status is a conflict. */
  async retry(id: string): Promise<EmailRecord> {
    const existing = await this.get(id);
    const requeued = await this.emails.requeueFailed(existing._id);
    if (!requeued) {
      throw new ConflictError(`E-mail ${id} is ${existing.status}, only failed e-mails can be retried`);
    }
    this.logger.log({ emailId: id, eventId: requeued.eventId }, 'Failed e-mail re-queued by an admin');
    this.recording.requestDelivery();
    return requeued;
  }

  /**
   * Re-queues every failed e-mail matching the filter (after an incident, say) with a fresh attempt
   * budget; returns how many. Each keeps its Message-ID, so none becomes a second, different e-mail.
   */
  async retryAllFailed(filter: Omit<EmailFilter, 'status'>): Promise<number> {
    const requeued = await this.emails.requeueAllFailed(filter);
    this.logger.log({ ...filter, requeued }, 'Failed e-mails re-queued by an admin');
    if (requeued > 0) this.recording.requestDelivery();
    return requeued;
  }
}
