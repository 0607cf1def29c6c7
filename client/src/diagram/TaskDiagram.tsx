import { useMemo } from 'react';
import { graphql, useFragment, type FragmentType } from '../gql';
import { DiagramReplay } from './DiagramReplay';

export const TaskDiagram_event = graphql(`
  fragment TaskDiagram_event on TimelineEvent {
    type
    at
    state
  }
`);

/** A task's state diagram, replayable over its timeline (one step per event, oldest first). */
export function TaskDiagram(props: { definition: unknown; events: readonly FragmentType<typeof TaskDiagram_event>[]; height?: number }) {
  const events = useFragment(TaskDiagram_event, props.events);
  const steps = useMemo(() => events.map((e) => ({ state: e.state, label: e.type, at: e.at })), [events]);
  return <DiagramReplay definition={props.definition} steps={steps} title="Task state diagram" height={props.height} />;
}
