/** App-wide live stores, fed by subscriptions, read by pages. */
import type { TaskDetail_TaskFragment } from './gql/graphql';
import { VersionedStore } from './lib/versioned-store';

export type LiveTask = TaskDetail_TaskFragment;
export const tasks = new VersionedStore<LiveTask>();
