/**
 * Seed builders: the users, tasks and agents a test sets up, made through the public API as a
 * client makes them (the Hive way: `seedUsers(server, cast)`, then `user.createTask(…)`,
 * `user.registerAgent(…)`), so the set-up of a test reads as its story and not as GraphQL.
 */
import { CLEAR_DESCRIPTION, CREATE_TASK } from './documents.js';
import { gqlOk } from './server.js';

/** A server to seed: an in-process TestServer signs tokens; any other is signed in to by dev sign-in. */
export interface SeedServer {
  url: string;
  token?: (viewer: { name: string; org: string }) => Promise<string>;
}

export interface SeedUser {
  name: string;
  org: string;
  token: string;
  /** Creates a task (with a clear description unless told otherwise); resolves with its id. */
  createTask(title: string, input?: { description?: string; private?: boolean }): Promise<string>;
  /** Registers an agent of this user's org; resolves with its id. */
  registerAgent(name: string): Promise<string>;
}

const DEV_SIGN_IN = `mutation SeedSignIn($name: String!, $org: String!) { devSignIn(name: $name, org: $org) { token } }`;
const REGISTER = `mutation SeedRegister($name: String!) { registerAgent(name: $name) { id } }`;

/** One user, signed in. */
export async function seedUser(server: SeedServer, name: string, org: string): Promise<SeedUser> {
  const token = server.token
    ? await server.token({ name, org })
    : (await gqlOk<{ devSignIn: { token: string } }>(server, DEV_SIGN_IN, { name, org })).devSignIn.token;
  return {
    name,
    org,
    token,
    createTask: async (title, { description = CLEAR_DESCRIPTION, private: isPrivate } = {}) =>
      (await gqlOk<{ createTask: { id: string } }>(server, CREATE_TASK, { input: { title, description, ...(isPrivate === undefined ? {} : { private: isPrivate }) } }, token))
        .createTask.id,
    registerAgent: async (agent) => (await gqlOk<{ registerAgent: { id: string } }>(server, REGISTER, { name: agent }, token)).registerAgent.id,
  };
}

/** Every user of `cast` (key → [name, org]), signed in one after another. */
export async function seedUsers<K extends string>(server: SeedServer, cast: Record<K, readonly [name: string, org: string]>): Promise<Record<K, SeedUser>> {
  const users = {} as Record<K, SeedUser>;
  for (const key of Object.keys(cast) as K[]) {
    const [name, org] = cast[key];
    users[key] = await seedUser(server, name, org);
  }
  return users;
}

/** `fn` of each user's token, under the same keys (a stream per user, a read per user). */
export function perUser<K extends string, T>(users: Record<K, SeedUser>, fn: (token: string) => T): Record<K, T> {
  return Object.fromEntries(Object.entries<SeedUser>(users).map(([key, user]) => [key, fn(user.token)])) as Record<K, T>;
}

/** Who may see what (tests/e2e/visibility.test.ts, sse.test.ts): a creator, a teammate, another org. */
export const VISIBILITY_CAST = { alice: ['Alice', 'acme'], amir: ['Amir', 'acme'], bob: ['Bob', 'globex'] } as const;

/**
 * The tasks visibility is checked on: Alice's public and private task and Bob's, all clear (each
 * is analysed, dispatched and gets an issue). Resolves with their ids.
 */
export async function seedVisibilityTasks(
  users: Record<keyof typeof VISIBILITY_CAST, SeedUser>,
  titles: { pub: string; priv: string; bobs: string },
): Promise<{ pub: string; priv: string; bobs: string }> {
  return {
    pub: await users.alice.createTask(titles.pub),
    priv: await users.alice.createTask(titles.priv, { private: true }),
    bobs: await users.bob.createTask(titles.bobs),
  };
}
