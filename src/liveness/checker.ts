/**
 * The liveness checker: samples the API every `intervalMs` (src/liveness/api.ts), hands each
 * snapshot to the monitor (src/liveness/monitor.ts), and reports violations as they are found.
 * Output lines of the checked programs (a demo's stdout) go to `logLine`/`logChunk`, where a
 * failure line is a violation too (src/liveness/log-lines.ts).
 */
import { ApiSampler, type SamplerOptions, type User } from './api.js';
import { iso, seconds } from './episodes.js';
import { LogWatch } from './log-lines.js';
import { LivenessMonitor, type LivenessSummary } from './monitor.js';
import type { LivenessOptions, Violation } from './types.js';

export interface CheckerOptions {
  url: string;
  /** Every user who creates tasks (a private task is visible to its creator only). */
  users: User[];
  invariants?: Partial<LivenessOptions>;
  sampler?: SamplerOptions;
  /** @default 1000 */
  intervalMs?: number;
  onViolation?: (violation: Violation) => void;
  onSampleError?: (error: Error) => void;
}

export type CheckerSummary = LivenessSummary & { sampleErrors: number; countRereads: number; violationList: Violation[] };

export class LivenessChecker {
  readonly monitor: LivenessMonitor;
  private readonly sampler: ApiSampler;
  private readonly logWatch: LogWatch;
  private sampleErrors = 0;
  private failingSince: number | null = null;
  private outageReported = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: CheckerOptions) {
    if (options.users.length === 0) throw new Error('the checker needs at least one user');
    this.monitor = new LivenessMonitor(options.invariants);
    this.sampler = new ApiSampler(options.url, options.users, options.sampler);
    this.logWatch = new LogWatch((v) => this.found([v]));
  }

  /** Sample until `stop()`. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Sample for `durationMs`, then stop and return the summary. */
  async runFor(durationMs: number): Promise<CheckerSummary> {
    const timer = setTimeout(() => void this.stop(), durationMs);
    this.start();
    await this.loop;
    clearTimeout(timer);
    return this.summary();
  }

  async stop(): Promise<CheckerSummary> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.logWatch.flush();
    return this.summary();
  }

  /** A chunk of a checked program's output (split into lines here). */
  logChunk(chunk: string): void {
    this.logWatch.write(chunk);
  }

  logLine(line: string): void {
    this.logWatch.line(line);
  }

  summary(): CheckerSummary {
    return { ...this.monitor.summary(), sampleErrors: this.sampleErrors, countRereads: this.sampler.rereads, violationList: [...this.monitor.violations] };
  }

  private found(violations: Violation[], fromMonitor = false): void {
    for (const v of violations) {
      if (!fromMonitor) this.monitor.report(v);
      this.options.onViolation?.(v);
    }
  }

  private async run(): Promise<void> {
    const interval = this.options.intervalMs ?? 1000;
    const { graceMs } = this.monitor.options;
    for (let next = Date.now(); !this.stopped; ) {
      try {
        const snapshot = await this.sampler.sample();
        this.failingSince = null;
        this.outageReported = false;
        this.found(this.monitor.observe(snapshot), true);
      } catch (error) {
        this.sampleErrors++;
        this.options.onSampleError?.(error as Error);
        const now = Date.now();
        this.failingSince ??= now;
        if (!this.outageReported && now - this.failingSince > 2 * graceMs) {
          this.outageReported = true;
          this.found([{ invariant: 'api-answers', at: iso(now), message: `the API has not answered the checker's reads for ${seconds(now - this.failingSince)}: ${(error as Error).message}` }]);
        }
      }
      next = Math.max(next + interval, Date.now());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, next - Date.now());
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = null;
    }
  }
}
