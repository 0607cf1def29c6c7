/**
 * The growth scenario's data: who the users are and what task number `i` is (a pure function
 * of `i`), shared by the fill (growth-fill.ts) and the probe (growth-probe.ts).
 */
import type { Viewer } from '../../src/store/types.js';

export const GROWTH_ORGS = 4;
export const GROWTH_USERS = 8;
/** User `u` (0..7): `org-(u % 4)/user-u`, so every org has two. */
export const growthUser = (u: number): Viewer => ({ id: `org-${u % GROWTH_ORGS}/user-${u}`, name: `user-${u}`, org: `org-${u % GROWTH_ORGS}` });

const AREAS = ['login page', 'billing export', 'settings panel', 'search results', 'webhook retries', 'CSV import', 'audit log', 'team invites', 'API tokens', 'notification emails', 'dark theme', 'mobile layout'];
const VERBS = ['Fix', 'Add', 'Speed up', 'Refactor', 'Document', 'Test', 'Localise', 'Harden'];
const DETAILS = [
  'The current behaviour confuses users because the error message does not say which field is wrong.',
  'Customers on the enterprise plan asked for this in three support tickets last month.',
  'It should keep working with the existing API clients and must not change the response format.',
  'Measure before and after on the staging dataset and attach the numbers to the pull request.',
  'Follow the design in the shared document, including the empty and loading states.',
  'Cover the change with an end-to-end test that runs in the existing browser suite.',
];

/** A well-mixed 32-bit hash of the task number: the mix does not line up with the user. */
function hash(i: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface GrowthTask {
  user: Viewer;
  title: string;
  description: string;
  private: boolean;
  vague: boolean;
  cancel: boolean;
}

export function growthTask(i: number): GrowthTask {
  const h = hash(i);
  const vague = h % 100 < 25;
  const area = AREAS[(h >>> 8) % AREAS.length];
  const title = `${VERBS[(h >>> 12) % VERBS.length]} ${area} (#${i})`;
  const description = vague
    ? `fix it on the ${area}`
    : `${title}: ${DETAILS[(h >>> 16) % DETAILS.length]} ${DETAILS[(h >>> 20) % DETAILS.length]} Branch feature/${area.replace(/\W+/g, '-')}-${i}.`;
  return { user: growthUser(i % GROWTH_USERS), title, description, private: (h >>> 24) % 7 === 0, vague, cancel: (h >>> 4) % 5 === 0 };
}
