import { EMAIL_TEMPLATES, type EmailTemplateName } from '../email.constants';
import { AccountTemplateData, accountRenderers, accountSamples } from './account-email-templates';
import { CourseTemplateData, courseRenderers, courseSamples } from './course-email-templates';
import type { Recipient, RenderedEmail, Renderer } from './email-layout';

/** The data of every template, by name: the account's templates and the course and order ones. */
export interface TemplateData extends AccountTemplateData, CourseTemplateData {}

const renderers: { [Name in EmailTemplateName]: Renderer<TemplateData[Name]> } = {
  ...accountRenderers,
  ...courseRenderers,
};

export function renderEmail<Name extends EmailTemplateName>(
  template: Name,
  recipient: Recipient,
  data: TemplateData[Name],
): RenderedEmail {
  return renderers[template](recipient, data);
}

/** The people and data `GET /emails/templates/:name/preview` renders each template with. */
export function sampleOf<Name extends EmailTemplateName>(
  template: Name,
  publicUrl: string,
): { recipient: Recipient; data: TemplateData[Name] } {
  const samples: TemplateData = { ...accountSamples(publicUrl), ...courseSamples(publicUrl) };
  return { recipient: { displayName: 'Ada Lovelace' }, data: samples[template] };
}

export function isTemplateName(name: string): name is EmailTemplateName {
  return (EMAIL_TEMPLATES as readonly string[]).includes(name);
}
