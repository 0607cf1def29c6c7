/**
 * Vanilla GraphQL Yoga + graphql-ws with Yoga's default pubsub: each event is executed once per
 * subscriber, the way most GraphQL subscription servers are built.
 */
import { createServer } from 'node:http';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { payload, publishHandler, ready, type PublishRequest } from './common.js';

const pubsub = createPubSub<{ task: [ReturnType<typeof payload>['taskUpdated']] }>();
const yoga = createYoga({
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type Creator { id: ID! name: String! }
      type Task { id: ID! title: String! status: String! version: Int! private: Boolean! creator: Creator! org: String! updatedAt: String! }
      type TaskUpdate { cursor: String! event: String! task: Task! }
      type Query { ok: Boolean }
      type Subscription { taskUpdated: TaskUpdate! }
    `,
    resolvers: {
      Subscription: { taskUpdated: { subscribe: () => pubsub.subscribe('task'), resolve: (u: unknown) => u } },
    },
  }),
  logging: false,
});
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
useServer(
  {
    execute: (args) => (args.rootValue as { execute: (a: unknown) => never }).execute(args),
    subscribe: (args) => (args.rootValue as { subscribe: (a: unknown) => never }).subscribe(args),
    onSubscribe: async (ctx, _id, params) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, params } as never);
      const document = parse(params.query);
      const errors = validate(schema, document);
      if (errors.length) return errors;
      return { schema, operationName: params.operationName, document, variableValues: params.variables, contextValue: await contextFactory(), rootValue: { execute, subscribe } };
    },
  },
  wss,
);
const server = createServer(publishHandler((p: PublishRequest) => pubsub.publish('task', payload(p).taskUpdated)));
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
ready(server);
