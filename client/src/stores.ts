/** App-wide live stores, fed by subscriptions, read by pages. */
import { graphql, useFragment, type FragmentType } from './gql';
import type { LiveTask_TaskFragment } from './gql/graphql';
import { UpdateKeys } from './lib/update-keys';
import { VersionedStore } from './lib/versioned-store';

/**
 * What the task store holds per task, and what every query, subscription and mutation that feeds
 * it selects (so any update carries everything any page shows). Its own fields are the ones the
 * store and the pages read themselves: id and version (the store's ordering of updates); title,
 * status, org, private, creator and createdAt (the dashboard's grouping, filters and sort, an
 * agent's task title). Everything a component renders comes through that component's fragment
 * and stays masked here: the component reads it with useFragment.
 */
export const LiveTask_task = graphql(`
  fragment LiveTask_task on Task {
    id
    version
    title
    status
    org
    private
    createdAt
    creator {
      id
      name
    }
    ...TaskCard_task
    ...TaskPage_task
  }
`);

/**
 * A task as the store holds it: LiveTask_task's own fields unmasked (the store and the pages
 * read them), every component's fragment still masked. Masking is only in the types: the object
 * is the server's answer as it came, so the store's merge of a newer version over an older one
 * keeps every component's fields.
 */
export type LiveTask = LiveTask_TaskFragment;
/** Queries, subscriptions and mutations hand the store masked references; it unmasks them once, here. */
export const tasks = new VersionedStore<LiveTask, FragmentType<typeof LiveTask_task>>((ref) => useFragment(LiveTask_task, ref));

/** Each task's key in "latest change first" order (lib/update-keys.ts), fed by pages and the live stream. */
export const updateKeys = new UpdateKeys();

/** A masked task reference's id and version, to key it (the store unmasks the same way). */
export const taskRef = (ref: FragmentType<typeof LiveTask_task>): LiveTask => useFragment(LiveTask_task, ref);
