import { InvalidInputError } from '@coursehub/core';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EmailCategorySwitches, EmailPreferencesRepository } from '../data/email-preferences.repository';
import { EmailCategory } from '../email.constants';
import { UnsubscribeRequest, UnsubscribeTokens } from './unsubscribe-tokens';

/** A user who never chose gets every non-transactional e-mail (and can turn each off in one click). */
export const DEFAULT_EMAIL_PREFERENCES: Readonly<EmailCategorySwitches> = {
  courseUpdates: true,
  recommendations: true,
};

/** The user's choice of non-transactional e-mails; transactional ones never ask it. */
@Injectable()
export class EmailPreferencesService implements OnModuleInit {
  private readonly logger = new Logger(EmailPreferencesService.name);

  constructor(
    private readonly preferences: EmailPreferencesRepository,
    private readonly tokens: UnsubscribeTokens,
  ) {}

  /** The unique userId (autoIndex is off): one document per user, also under concurrent upserts. */
  async onModuleInit(): Promise<void> {
    await this.preferences.createIndexes();
  }

  async get(userId: string): Promise<EmailCategorySwitches> {
    const stored = await this.preferences.findByUserId(userId);
    return stored
      ? { courseUpdates: stored.courseUpdates, recommendations: stored.recommendations }
      : { ...DEFAULT_EMAIL_PREFERENCES };
  }

  async update(userId: string, switches: EmailCategorySwitches): Promise<EmailCategorySwitches> {
    const saved = await this.preferences.save(userId, switches);
    this.logger.log({ userId, ...switches }, 'E-mail preferences changed');
    return { courseUpdates: saved.courseUpdates, recommendations: saved.recommendations };
  }

  /** Whether the user wants e-mails of `category`. */
  async allows(userId: string, category: EmailCategory): Promise<boolean> {
    return (await this.get(userId))[category];
  }

  /** What an unsubscribe link would turn off, and whether it is on now (the page a click in a browser opens). */
  async describeLink(token: string): Promise<{ category: EmailCategory; subscribed: boolean }> {
    const request = this.verified(token);
    return { category: request.category, subscribed: await this.allows(request.userId, request.category) };
  }

  /**
   * One-click unsubscribe (RFC 8058): turns the token's category off for its user. No sign-in:
   * the signed token is the authority. A malformed or forged token is an InvalidInputError.
   */
  async unsubscribe(token: string): Promise<{ category: EmailCategory }> {
    const request = this.verified(token);
    await this.preferences.turnOff(request.userId, request.category, DEFAULT_EMAIL_PREFERENCES);
    this.logger.log({ userId: request.userId, category: request.category }, 'Unsubscribed in one click');
    return { category: request.category };
  }

  private verified(token: string): UnsubscribeRequest {
    const request = this.tokens.verify(token);
    if (!request) throw new InvalidInputError('Invalid unsubscribe link');
    return request;
  }

  /** Erasure: the user's switches go with the rest. */
  forget(userId: string): Promise<void> {
    return this.preferences.delete(userId);
  }
}
