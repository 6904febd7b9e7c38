import { inSpan, SpanKind, TypedConfigService } from '@coursehub/core';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { EMAIL_MODULE_OPTIONS } from '../email.constants';
import type { EmailEnv } from '../email.env';
import type { EmailModuleOptions } from '../email.module';

export interface OutgoingEmail {
  /** `<id@domain>`, the same on every re-send of the e-mail (see messageIdOf). */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

type SmtpEnv = Pick<
  EmailEnv,
  'SMTP_URL' | 'SMTP_SECURE' | 'SMTP_REQUIRE_TLS' | 'SMTP_TLS_REJECT_UNAUTHORIZED' | 'SMTP_TIMEOUT_MS'
>;

/** SMTP transport options from SMTP_URL plus the TLS and timeout variables. */
export function smtpTransportOptions(env: SmtpEnv): SMTPTransport.Options {
  const url = new URL(env.SMTP_URL);
  const secure = env.SMTP_SECURE ?? url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: env.SMTP_REQUIRE_TLS,
    tls: { rejectUnauthorized: env.SMTP_TLS_REJECT_UNAUTHORIZED, servername: url.hostname },
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    // A slow relay costs at most these per exchange, never a stuck delivery slot.
    connectionTimeout: env.SMTP_TIMEOUT_MS,
    greetingTimeout: env.SMTP_TIMEOUT_MS,
    socketTimeout: env.SMTP_TIMEOUT_MS,
    dnsTimeout: env.SMTP_TIMEOUT_MS,
  };
}

/**
 * Sends rendered e-mails through the SMTP relay (nodemailer): the `smtpUrl` option of
 * `EmailModule.register` when given, SMTP_URL otherwise.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo, SMTPTransport.Options>;
  private readonly from: string;
  private readonly relayHost: string;

  constructor(
    @Inject(ConfigService) env: TypedConfigService<EmailEnv>,
    @Inject(EMAIL_MODULE_OPTIONS) options: EmailModuleOptions,
  ) {
    this.from = env.get('MAIL_FROM', { infer: true });
    const smtpUrl = options.smtpUrl ?? env.get('SMTP_URL', { infer: true });
    this.relayHost = new URL(smtpUrl).hostname;
    this.transporter = nodemailer.createTransport(
      smtpTransportOptions({
        SMTP_URL: smtpUrl,
        SMTP_SECURE: env.get('SMTP_SECURE', { infer: true }),
        SMTP_REQUIRE_TLS: env.get('SMTP_REQUIRE_TLS', { infer: true }),
        SMTP_TLS_REJECT_UNAUTHORIZED: env.get('SMTP_TLS_REJECT_UNAUTHORIZED', { infer: true }),
        SMTP_TIMEOUT_MS: env.get('SMTP_TIMEOUT_MS', { infer: true }),
      }),
    );
  }

  /** Resolves once the relay accepted the e-mail; rejects with nodemailer's error (see classifySmtpFailure). */
  async send(email: OutgoingEmail): Promise<void> {
    const attributes = { 'server.address': this.relayHost, 'email.message_id': email.messageId };
    await inSpan('smtp send', { kind: SpanKind.CLIENT, attributes }, async () => {
      await this.transporter.sendMail({ from: this.from, ...email });
    });
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
