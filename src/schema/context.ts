import type { Auth } from '../server/auth.js';
import type { Services } from '../services/index.js';
import type { Viewer } from '../store/types.js';

/** What every resolver gets: who is asking, and the services that do the work. */
export interface GraphQLContext {
  viewer: Viewer | null;
  services: Services;
  auth: Auth;
  /** Transport of this operation, for metrics and limits. */
  transport: 'http' | 'ws';
}
