/**
 * Which subscription documents the fan-out engine must serve per viewer: those selecting a field
 * the SDL marks @viewerDependent, anywhere (nested, in fragments, under aliases).
 */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/schema/index.js';
import { viewerDependent } from '../../src/server/ws/fanout.js';

const schema = buildSchema();
const check = (query: string) => viewerDependent(schema, parse(query));

describe('viewerDependent', () => {
  it('is true for a document selecting Agent.currentTask in any way', () => {
    expect(check(`subscription { agentUpdated { agent { currentTask { id } } } }`)).toBe(true);
    expect(check(`subscription { taskUpdated { task { assignedAgent { currentTask { id } } } } }`)).toBe(true);
    expect(check(`subscription { agentUpdated { agent { ...A } } } fragment A on Agent { mine: currentTask { id } }`)).toBe(true);
  });

  it('is false for documents whose answer depends only on the org', () => {
    expect(check(`subscription { agentUpdated { agent { id currentTaskId } } }`)).toBe(false);
    expect(check(`subscription { taskUpdated { task { id assignedAgent { id name } grant { userId } } } }`)).toBe(false);
    expect(check(`subscription { timeline(taskId: "t") { cursor state } }`)).toBe(false);
  });
});
