import { Answers, ApiErrors, prefersJson } from '@coursehub/core';
import { Controller, Get, Header, HttpStatus, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EmailPreferencesService } from '../domain/email-preferences.service';
import { UnsubscribeLinkDto, UnsubscribeQueryDto, UnsubscribeResultDto } from './email-preferences.dto';
import {
  renderUnsubscribeConfirmation,
  renderUnsubscribed,
  UNSUBSCRIBE_PAGE_CONTENT_SECURITY_POLICY,
  wantsPage,
} from './unsubscribe-page';

/**
 * The List-Unsubscribe link of non-transactional e-mails: no sign-in, the signed token in the link
 * names the user and the category.
 */
@ApiTags('emails')
@Controller('emails')
@ApiErrors({ 400: 'Missing, malformed or forged token.' })
export class UnsubscribeController {
  constructor(private readonly preferences: EmailPreferencesService) {}

  @Get('unsubscribe')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/html', 'application/json')
  @ApiOperation({
    summary: 'The unsubscribe link opened in a browser, no sign-in (changes nothing)',
    description:
      'A page whose button posts the one-click unsubscribe to the same URL (with ' +
      '`Accept: application/json`: what the link would turn off and whether it is on). A GET never ' +
      'unsubscribes: mail scanners open links too.',
  })
  @ApiOkResponse({
    type: UnsubscribeLinkDto,
    description: 'The page (text/html) or this (application/json).',
  })
  async unsubscribePage(
    @Query() query: UnsubscribeQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnsubscribeLinkDto | string> {
    const link = await this.preferences.describeLink(query.token);
    void reply.header('vary', 'accept');
    if (prefersJson(request.headers.accept)) return link;
    void reply
      .header('content-security-policy', UNSUBSCRIBE_PAGE_CONTENT_SECURITY_POLICY)
      .type('text/html; charset=utf-8');
    return renderUnsubscribeConfirmation(link);
  }

  @Post('unsubscribe')
  @Answers(HttpStatus.OK, UnsubscribeResultDto)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('application/json', 'text/html')
  @ApiOperation({
    summary: 'One-click unsubscribe (RFC 8058), no sign-in',
    description:
      'The List-Unsubscribe link of every non-transactional e-mail. Mail clients POST ' +
      '`List-Unsubscribe=One-Click` to it; the body is not needed. Turns the category the signed ' +
      'token names off for its user; repeating it changes nothing. A browser (Accept: text/html ' +
      'first) gets a page instead of JSON.',
  })
  async unsubscribe(
    @Query() query: UnsubscribeQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UnsubscribeResultDto | string> {
    const { category } = await this.preferences.unsubscribe(query.token);
    void reply.header('vary', 'accept');
    if (!wantsPage(request.headers.accept)) return { category, subscribed: false };
    void reply
      .header('content-security-policy', UNSUBSCRIBE_PAGE_CONTENT_SECURITY_POLICY)
      .type('text/html; charset=utf-8');
    return renderUnsubscribed(category);
  }
}
