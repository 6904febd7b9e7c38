import { ApiErrors } from '@coursehub/core';
import { applyDecorators, Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { VerifyEmailDto } from './account.dto';
import {
  ACCOUNT_PAGE_HEADERS,
  ACCOUNT_PAGES_SCRIPT,
  ACCOUNT_PAGES_SCRIPT_PATH,
  renderResetPasswordPage,
  renderVerifyEmailPage,
} from './account-pages';

/** A page an e-mail link opens: `GET path?token=`, HTML, 400 for a link without a usable token. */
const LinkPage = (path: string, summary: string, description: string) =>
  applyDecorators(
    Get(path),
    ApiProduces('text/html'),
    ApiOperation({
      summary,
      description: `${description} Answered with Cache-Control: no-store and Referrer-Policy: no-referrer.`,
    }),
    ApiOkResponse({
      description: 'The page (text/html).',
      schema: { type: 'string', example: '<!doctype html>\n<html lang="en">…</html>' },
    }),
    ApiErrors({
      400: 'The link has no token, or one that cannot be a token (before it is even checked).',
    }),
  );

/** Answers with a page under the headers that keep its token from being stored or forwarded. */
function sendPage(reply: FastifyReply, html: string): string {
  void reply.headers(ACCOUNT_PAGE_HEADERS).type('text/html; charset=utf-8');
  return html;
}

/**
 * The pages the links of account e-mails open (`${PUBLIC_URL}/verify-email?token=…`,
 * `${PUBLIC_URL}/reset-password?token=…`): plain server-rendered HTML whose one script calls the
 * JSON API (`POST /auth/verify-email`, `POST /auth/password-reset/confirm`). Opening a page changes
 * nothing: mail scanners open links too. Nothing keeps the token: no-store, no referrer.
 */
@ApiTags('pages')
@Controller()
export class AccountPagesController {
  @LinkPage(
    'verify-email',
    'The verification link of an e-mail, opened in a browser (changes nothing by itself)',
    'A page whose button sends the token to `POST /auth/verify-email` and shows the outcome.',
  )
  verifyEmailPage(@Query() query: VerifyEmailDto, @Res({ passthrough: true }) reply: FastifyReply): string {
    return sendPage(reply, renderVerifyEmailPage(query.token));
  }

  @LinkPage(
    'reset-password',
    'The password reset link of an e-mail, opened in a browser (changes nothing by itself)',
    'A form for the new password (twice) that sends it with the token to ' +
      '`POST /auth/password-reset/confirm` and shows the outcome.',
  )
  resetPasswordPage(@Query() query: VerifyEmailDto, @Res({ passthrough: true }) reply: FastifyReply): string {
    return sendPage(reply, renderResetPasswordPage(query.token));
  }

  @Get(ACCOUNT_PAGES_SCRIPT_PATH.slice(1))
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @ApiProduces('text/javascript')
  @ApiOperation({ summary: 'The script of the verification and password reset pages' })
  @ApiOkResponse({
    description: 'JavaScript that sends the page’s form as JSON and shows the answer.',
    schema: { type: 'string', example: "'use strict';\n(function () { … })();" },
  })
  script(): string {
    return ACCOUNT_PAGES_SCRIPT;
  }
}
