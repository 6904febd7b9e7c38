import { type EnvelopeOf, userDeleted } from '@coursehub/contracts';
import { ConsumeEvent } from '@coursehub/messaging';
import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OrderPersonalDataService } from '../domain/personal-data.service';

/** The order feature on the message bus: erases what it holds about deleted accounts. */
@Controller()
export class OrderMessageHandlers {
  constructor(private readonly personalData: OrderPersonalDataService) {}

  @ConsumeEvent(userDeleted)
  async onUserDeleted(@Payload() envelope: EnvelopeOf<typeof userDeleted>): Promise<void> {
    await this.personalData.erase(envelope);
  }
}
