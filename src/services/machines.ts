import { machines, type EntityType } from '../machines/index.js';

export interface MachineModel {
  name: EntityType;
  definition: unknown;
}

/** Machine definitions as XState's serialisable JSON (what visualizers consume). */
export function machineDefinitions(): MachineModel[] {
  return (Object.keys(machines) as EntityType[]).map((name) => ({
    name,
    definition: JSON.parse(JSON.stringify(machines[name].toJSON())) as unknown,
  }));
}
