/**
 * Per-user mutation rate limit (rate-limiter-flexible; swap in its Redis limiter for clusters).
 * A worker's log batches (an operation whose only field is `appendTaskLogs`) count against a
 * limit of their own: a fleet of ten agents streaming their output is not ten users mutating.
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited } from '../../errors.js';
import type { GraphQLContext } from '../../schema/context.js';
import { toClientError } from '../client-errors.js';
import type { Metrics } from '../metrics.js';

export interface MutationRateLimitDeps {
  metrics: Metrics;
  logger: Logger;
  production: boolean;
  rateLimit: { mutations: number; windowMs: number; logBatches?: number };
}

export function useMutationRateLimit(deps: MutationRateLimitDeps): Plugin<GraphQLContext> {
  const limiter = new RateLimiterMemory({
    points: deps.rateLimit.mutations,
    duration: deps.rateLimit.windowMs / 1000,
  });
  const logLimiter = new RateLimiterMemory({
    points: deps.rateLimit.logBatches ?? deps.rateLimit.mutations * 10,
    duration: deps.rateLimit.windowMs / 1000,
  });
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const ctx = args.contextValue as GraphQLContext;
      const fields = operation.selectionSet.selections;
      const logsOnly = fields.length > 0 && fields.every((f) => f.kind === 'Field' && f.name.value === 'appendTaskLogs');
      try {
        await (logsOnly ? logLimiter : limiter).consume(ctx.viewer?.id ?? 'anonymous');
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        setResultAndStopExecution({
          errors: [toClientError(rateLimited(error.msBeforeNext), deps.logger, deps.metrics, deps.production)],
        });
      }
    },
  };
}
