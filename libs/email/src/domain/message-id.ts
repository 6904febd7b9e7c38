import type { EmailTemplateName } from '../email.constants';

/**
 * The Message-ID of the e-mail an event causes: derived from the event id (unique per e-mail), never
 * random, so a re-send after a crash or an unrecorded send is the same message to the recipient's
 * server and mail client, not a second, different one.
 */
export function messageIdOf(email: { eventId: string; template: EmailTemplateName }): string {
  return `<${email.eventId}.${email.template}@coursehub>`;
}
