/**
 * Input limits, in one place. Every public input passes through `parse`, which turns zod's
 * issues into one BAD_USER_INPUT error naming each bad field; nothing is stored on failure.
 */
import { z } from 'zod';
import { badInput } from '../errors.js';

export const LIMITS = {
  title: 200,
  description: 10_000,
  answers: 20,
  answer: 2_000,
  reason: 500,
  error: 2_000,
  branch: 200,
  url: 2_000,
  name: 100,
  prTitle: 300,
  summary: 500,
  model: 100,
  /** Micro-units a budget may name: a billion units of the currency. */
  budgetMicros: 1e15,
  logLines: 1_000,
  logLine: 8_000,
  /** What one usage report may add, per figure. */
  usage: 1e12,
} as const;

/** A whole number from 0 to `max` (GraphQL's Int stops at 2^31; tokens and micro-units do not). */
const whole = (max: number) => z.number().int('must be a whole number').min(0, 'must be 0 or more').max(max, `must be at most ${max}`);

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

const httpUrl = z
  .string()
  .max(LIMITS.url)
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL');

export const schemas = {
  createTask: z.object({
    title: text(LIMITS.title),
    description: z
      .string()
      .trim()
      .max(LIMITS.description, `must be at most ${LIMITS.description} characters`)
      .nullish()
      .transform((v) => (v ? v : null)),
    private: z.boolean().nullish().transform((v) => v ?? false),
    budgetMicros: whole(LIMITS.budgetMicros).nullish().transform((v) => v ?? null),
  }),
  budgetMicros: whole(LIMITS.budgetMicros).nullable(),
  usage: z.object({
    inputTokens: whole(LIMITS.usage),
    outputTokens: whole(LIMITS.usage),
    costMicros: whole(LIMITS.usage),
    model: z.string().trim().min(1).max(LIMITS.model).nullish().transform((v) => v ?? null),
  }),
  iteration: z.number().int().min(0).max(1_000_000),
  failureCode: z.string().regex(/^[A-Z][A-Z0-9_]{0,49}$/, 'must be A-Z, 0-9 and _, starting with a letter, up to 50 (e.g. TESTS_FAILED)').nullish(),
  failureDetails: z
    .record(z.string(), z.unknown())
    .refine((v) => JSON.stringify(v).length <= 8192, 'must be at most 8 KB of JSON')
    .nullish(),
  hours: z.number().int().min(1).max(168),
  activityFilter: z.object({
    types: z.array(z.string().regex(/^[A-Z_]{1,40}$/, 'must be event types such as ASSIGNED or PR_OPENED')).max(50).nullish(),
    excludeTypes: z.array(z.string().regex(/^[A-Z_]{1,40}$/, 'must be event types such as HEARTBEAT')).max(50).nullish(),
    agentId: z.string().min(1).max(100).nullish(),
    taskId: z.string().min(1).max(100).nullish(),
    entity: z.enum(['task', 'agent']).nullish(),
  }),
  logLines: z
    .array(
      z.object({
        // The enum's internal values (scalars.ts): STDOUT is 'stdout'.
        stream: z
          .enum(['stdout', 'stderr', 'dropped'])
          .nullish()
          .transform((v) => v ?? 'stdout')
          .refine((v) => v !== 'dropped', 'must be STDOUT or STDERR (DROPPED is the server\'s marker)'),
        text: z.string(),
        at: z.date().nullish(),
      }),
    )
    .min(1, 'send at least one line')
    .max(LIMITS.logLines, `at most ${LIMITS.logLines} lines a call`),
  summary: text(LIMITS.summary),
  answers: z
    .array(text(LIMITS.answer))
    .min(1, 'give at least one answer')
    .max(LIMITS.answers, `at most ${LIMITS.answers} answers`),
  reason: z.string().trim().max(LIMITS.reason).nullish(),
  error: text(LIMITS.error),
  branch: z
    .string()
    .max(LIMITS.branch)
    .regex(/^(?!-)[A-Za-z0-9._/-]+$/, 'must be a git branch name')
    // git check-ref-format's rules for these characters: no `..`, no empty or dot-led
    // component, no `.lock` component, no trailing dot (the characters alone let `../..` in).
    .refine((name) => !/\.\.|\/\/|^\/|\/$|(^|\/)\.|\.lock(\/|$)|\.$/.test(name), 'must be a git branch name'),
  prNumber: z.number().int().positive('must be a positive number'),
  url: httpUrl,
  prTitle: text(LIMITS.prTitle),
  sha: z.string().regex(/^[0-9a-f]{7,64}$/i, 'must be a hex commit SHA'),
  dateTime: z.iso.datetime({ offset: true }),
  agentName: z
    .string()
    .trim()
    .min(1)
    .max(LIMITS.name)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, space, dot, dash, underscore'),
  userName: text(LIMITS.name),
  org: z
    .string()
    .trim()
    .min(1)
    .max(LIMITS.name)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore'),
  id: z.string().min(1).max(100),
  progressMessage: text(500),
  percent: z.number().int().min(0).max(100).nullable(),
  pageSize: z.number().int().min(1).max(500),
};

/** Parse or throw BAD_USER_INPUT that names the argument and every problem found. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, argument: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [argument, ...issue.path.map(String)].join('.');
    return { path, message: issue.message };
  });
  throw badInput(problems.map((p) => `${p.path} ${p.message}`).join('; '), { problems });
}
