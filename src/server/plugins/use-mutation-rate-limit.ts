/**
 * Per-user mutation rate limit (rate-limiter-flexible; swap in its Redis limiter for clusters).
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
  rateLimit: { mutations: number; windowMs: number };
}

export function useMutationRateLimit(deps: MutationRateLimitDeps): Plugin<GraphQLContext> {
  const limiter = new RateLimiterMemory({
    points: deps.rateLimit.mutations,
    duration: deps.rateLimit.windowMs / 1000,
  });
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      const ctx = args.contextValue as GraphQLContext;
      try {
        await limiter.consume(ctx.viewer?.id ?? 'anonymous');
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        setResultAndStopExecution({
          errors: [toClientError(rateLimited(error.msBeforeNext), deps.logger, deps.metrics, deps.production)],
        });
      }
    },
  };
}
