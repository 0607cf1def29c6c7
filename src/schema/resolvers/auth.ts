import { unauthenticated } from '../../errors.js';
import type { Viewer } from '../../store/types.js';
import type { GraphQLContext } from '../context.js';

/** The signed-in viewer, or UNAUTHENTICATED (HTTP 401). */
export function viewerOf(ctx: GraphQLContext): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}
