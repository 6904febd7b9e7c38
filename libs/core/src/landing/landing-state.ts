import { Inject, Injectable } from '@nestjs/common';

export const LANDING_OPTIONS = Symbol('LANDING_OPTIONS');

/** What a root tells its landing page at build time (createRootModule passes these). */
export interface LandingOptions {
  /** `platform`, `auth`, … */
  service: string;
  /** The features this process runs. */
  features: string[];
  /** `in-process` or `kafka`. */
  transport: string;
  /** Facts only the root knows (the platform: its admin, data directory, mailbox). */
  details?: LandingDetails;
}

export interface LandingDetails {
  /** The first admin; `passwordFile` when the password was generated (never the password itself). */
  admin?: { email: string; passwordFile?: string };
  dataDir?: string;
  /** Whether `/dev/mailbox` shows the e-mails this process sent. */
  mailbox?: boolean;
  /** Human-readable lines about the infrastructure (embedded PostgreSQL, …). */
  infrastructure?: string[];
}

/** Work still running after start-up (demo seeding, a model build): shown at `/` and in the banner. */
export interface BackgroundTask {
  name: string;
  status: 'running' | 'done' | 'failed';
  detail?: string;
}

/** The landing page's facts, some of them updated while the process runs. */
@Injectable()
export class LandingState {
  private details: LandingDetails;
  private readonly tasks = new Map<string, BackgroundTask>();

  constructor(@Inject(LANDING_OPTIONS) readonly options: LandingOptions) {
    this.details = { ...options.details };
  }

  get current(): LandingDetails {
    return this.details;
  }

  describe(details: LandingDetails): void {
    this.details = { ...this.details, ...details };
  }

  /** Records a background task's state (`running` when it starts, `done`/`failed` when it ends). */
  track(task: BackgroundTask): void {
    this.tasks.set(task.name, task);
  }

  background(): BackgroundTask[] {
    return [...this.tasks.values()];
  }
}
