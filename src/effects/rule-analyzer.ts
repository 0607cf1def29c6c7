import type { AnalyzeInput, AnalyzeOutput } from '../machines/index.js';
import type { Analyzer } from './types.js';

/** Words that say a request is not yet specific enough to act on. */
const VAGUE = /\b(something|stuff|things?|etc|somehow|asap|fix it|make it better|improve it|tbd)\b/i;
const MIN_WORDS = 8;

/**
 * Deterministic, rule-based default: no network, same answer for the same input.
 * A task is clear enough when its description (plus any answers given) has at least
 * {@link MIN_WORDS} words and no vague filler; otherwise it asks what is missing.
 */
export class RuleAnalyzer implements Analyzer {
  async analyze(input: AnalyzeInput): Promise<AnalyzeOutput> {
    const answered = input.clarifications.flatMap((round) => round.answers ?? []);
    const text = [input.description ?? '', ...answered].join(' ').trim();
    const words = text.split(/\s+/).filter(Boolean).length;
    if (answered.length > 0 && words >= MIN_WORDS / 2) return { verdict: 'dispatch' };
    if (words >= MIN_WORDS && !VAGUE.test(text)) return { verdict: 'dispatch' };

    const questions: string[] = [];
    if (words < MIN_WORDS) {
      questions.push(`What exactly should change for "${input.title}"? Please describe the expected behaviour.`);
    }
    if (VAGUE.test(text)) questions.push('Which specific part is meant by the vague wording?');
    questions.push('How will we know it is done (acceptance criteria)?');
    return { verdict: 'clarify', questions };
  }
}
