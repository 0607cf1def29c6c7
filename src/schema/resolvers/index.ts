import type { Resolvers } from '../generated/resolvers-types.js';
import { Mutation } from './mutation.js';
import { Query } from './query.js';
import { scalarResolvers } from './scalars.js';
import { Subscription } from './subscription.js';
import { typeResolvers } from './types.js';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  ...typeResolvers,
  Query,
  Mutation,
  Subscription,
};
