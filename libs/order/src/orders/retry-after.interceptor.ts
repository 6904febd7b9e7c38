import {
  CallHandler,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { catchError, Observable, throwError } from 'rxjs';
import { COURSE_UNAVAILABLE_RETRY_AFTER_SECONDS } from '../order.constants';

/** Tells clients when to retry a 503 (`Retry-After`); the global error filter keeps the body shape. */
@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (
          error instanceof HttpException &&
          error.getStatus() === (HttpStatus.SERVICE_UNAVAILABLE as number)
        ) {
          const reply = context.switchToHttp().getResponse<FastifyReply>();
          void reply.header('retry-after', String(COURSE_UNAVAILABLE_RETRY_AFTER_SECONDS));
        }
        return throwError(() => error);
      }),
    );
  }
}
