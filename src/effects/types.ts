/**
 * Effect ports the task machine invokes by name. The host maps each invoke `src` to one of
 * these; later adapters (an LLM analyzer, GitHub issues) implement the same interfaces.
 */
import type { AnalyzeInput, AnalyzeOutput, OpenIssueInput, OpenIssueOutput } from '../machines/index.js';

export interface Analyzer {
  analyze(input: AnalyzeInput, signal: AbortSignal): Promise<AnalyzeOutput>;
}

export interface IssueTracker {
  /** Must be idempotent per task: a restart may call it again for the same task. */
  openIssue(input: OpenIssueInput, signal: AbortSignal): Promise<OpenIssueOutput>;
}

/** Effect implementations by the `src` name used in the machines. */
export type EffectRegistry = Record<string, (input: never, signal: AbortSignal) => Promise<unknown>>;
