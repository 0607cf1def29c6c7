/**
 * Operations by type and transport, for /metrics.
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../../schema/context.js';
import type { Metrics } from '../metrics.js';

export function useOperationMetrics(metrics: Metrics): Plugin<GraphQLContext> {
  const count = (type: string, ctx: GraphQLContext) => metrics.operations.inc({ type, transport: ctx.transport });
  return {
    onExecute({ args }) {
      const type = getOperationAST(args.document, args.operationName)?.operation ?? 'unknown';
      count(type, args.contextValue as GraphQLContext);
    },
    onSubscribe({ args }) {
      count('subscription', args.contextValue as GraphQLContext);
    },
  };
}
