import { EventContract, RequestContract } from '@coursehub/contracts';
import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EventPattern, MessagePattern, RpcException } from '@nestjs/microservices';
import { map, Observable } from 'rxjs';
import { CONSUMED_EVENT, EventConsumerInterceptor } from './event-consumer.interceptor';

const ANSWERED_REQUEST = 'coursehub:answered-request';

/** Topics with a `@ConsumeEvent` handler in this process (what the consumer-lag monitor watches). */
const consumedTopics = new Set<string>();

export function consumedEventTopics(): string[] {
  return [...consumedTopics].sort();
}

/** Marks a handler of the contract's events; it receives a validated `EventEnvelope`. */
export function ConsumeEvent(contract: EventContract) {
  consumedTopics.add(contract.topic);
  return applyDecorators(
    EventPattern(contract.topic) as MethodDecorator,
    SetMetadata(CONSUMED_EVENT, contract),
    UseInterceptors(EventConsumerInterceptor),
  );
}

@Injectable()
export class RequestAnswerInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const contract = this.reflector.get<RequestContract>(ANSWERED_REQUEST, context.getHandler());
    const request = contract.requestSchema.safeParse(context.switchToRpc().getData());
    if (!request.success)
      throw new RpcException(`Invalid ${contract.type} request: ${request.error.message}`);
    return next.handle().pipe(map((reply: unknown) => contract.replySchema.parse(reply)));
  }
}

/** Marks the handler that answers the contract's requests; request and reply are validated. */
export function AnswerRequest(contract: RequestContract) {
  return applyDecorators(
    MessagePattern(contract.topic),
    SetMetadata(ANSWERED_REQUEST, contract),
    UseInterceptors(RequestAnswerInterceptor),
  );
}
