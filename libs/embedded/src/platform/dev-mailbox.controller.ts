import { Controller, Get, Inject, Module, DynamicModule } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SmtpSink } from '../smtp';

const MAILBOX = Symbol('DEV_MAILBOX');

interface MailboxEntry {
  from: string | undefined;
  to: string[];
  subject: string | undefined;
  date: string | undefined;
  text: string | undefined;
}

/** Read-only view of the e-mails the embedded SMTP sink caught; only mounted in embedded mode. */
@ApiTags('dev')
@Controller('dev/mailbox')
export class DevMailboxController {
  constructor(@Inject(MAILBOX) private readonly sink: SmtpSink) {}

  @Get()
  @ApiOperation({ summary: 'E-mails received by the embedded SMTP sink, newest first (embedded mode only).' })
  @ApiOkResponse({ description: 'List of received e-mails.' })
  list(): MailboxEntry[] {
    return [...this.sink.messages].reverse().map((message) => ({
      from: message.from,
      to: message.to,
      subject: message.subject,
      date: message.date?.toISOString(),
      text: message.text,
    }));
  }
}

/**
 * `/dev/mailbox`, for the embedded SMTP sink only (the platform registers it when it started one),
 * and never under NODE_ENV=production: there it would show every user's e-mails (reset links
 * included) to anyone.
 */
@Module({})
export class DevMailboxModule {
  static register(sink: SmtpSink, env: Record<string, string | undefined> = process.env): DynamicModule {
    if (env.NODE_ENV === 'production') return { module: DevMailboxModule };
    return {
      module: DevMailboxModule,
      controllers: [DevMailboxController],
      providers: [{ provide: MAILBOX, useValue: sink }],
    };
  }
}
