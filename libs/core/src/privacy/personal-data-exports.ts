import { Injectable } from '@nestjs/common';

/** Everything one feature holds about a user, as plain JSON. */
export type PersonalDataExporter = (userId: string) => Promise<Record<string, unknown>>;

/**
 * The features of this process that hold personal data. Each registers its exporter (in
 * `onModuleInit`) under its feature name; `GET /me/export` merges them, so a service answers
 * with its own section and the platform with all four in one document, without the features
 * knowing about each other.
 */
@Injectable()
export class PersonalDataExports {
  private readonly exporters = new Map<string, PersonalDataExporter>();

  register(feature: string, exporter: PersonalDataExporter): void {
    if (this.exporters.has(feature)) throw new Error(`Personal data exporter "${feature}" registered twice`);
    this.exporters.set(feature, exporter);
  }

  features(): string[] {
    return [...this.exporters.keys()].sort();
  }

  async exportFor(userId: string): Promise<Record<string, Record<string, unknown>>> {
    const sections = await Promise.all(
      this.features().map(async (feature) => [feature, await this.exporters.get(feature)!(userId)] as const),
    );
    return Object.fromEntries(sections);
  }
}
