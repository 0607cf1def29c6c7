import { Handle, Position } from '@xyflow/react';
import type { Node, NodeProps } from '@xyflow/react';
import type { PositionedNode } from './layout.js';

export interface StateNodeData extends Record<string, unknown> {
  state: PositionedNode;
  current: boolean;
  visited: boolean;
}

export type StateFlowNode = Node<StateNodeData, 'state'>;

/**
 * One state box. Compound and parallel states are drawn as labelled groups; their children are
 * separate flow nodes positioned inside them.
 */
export function StateNode({ data }: NodeProps<StateFlowNode>) {
  const { state, current, visited } = data;
  const group = state.kind === 'compound' || state.kind === 'parallel';
  const classes = [
    'state-node',
    `state-node--${state.kind}`,
    group ? 'state-node--group' : '',
    state.isRegion ? 'state-node--region' : '',
  ];
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      data-state-id={state.id}
      data-current={current ? 'true' : undefined}
      data-visited={visited ? 'true' : undefined}
      aria-current={current ? 'true' : undefined}
      title={state.description}
    >
      {/* ELK routes the edges, but @xyflow/react only draws edges between nodes with handles. */}
      <Handle
        type="target"
        position={Position.Left}
        isConnectable={false}
        className="state-node__handle"
      />
      <span className="state-node__label">
        {state.isInitial && <span className="state-node__initial" title="Initial state" />}
        {state.label}
        {state.kind === 'parallel' && <span className="state-node__badge">parallel</span>}
        {state.kind === 'final' && <span className="state-diagram__sr-only"> (final)</span>}
        {state.isInitial && <span className="state-diagram__sr-only"> (initial)</span>}
      </span>
      <Handle
        type="source"
        position={Position.Right}
        isConnectable={false}
        className="state-node__handle"
      />
    </div>
  );
}
