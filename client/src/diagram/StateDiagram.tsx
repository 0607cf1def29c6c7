import { Controls, MarkerType, ReactFlow, useNodesState } from '@xyflow/react';
import type { Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Suspense, use, useEffect, useMemo } from 'react';
import './diagram.css';
import { cachedLayout } from './layout-cache.js';
import type { Layout, PositionedEdge } from './layout.js';
import { activeLeafIds, describeStateValue, pathStates } from './machine-graph.js';
import { StateNode } from './StateNode.js';
import type { StateFlowNode } from './StateNode.js';
import { TransitionEdge } from './TransitionEdge.js';
import type { TransitionFlowEdge } from './TransitionEdge.js';

export interface StateDiagramProps {
  /** The machine's `toJSON()` output, as received from the server. */
  definition: unknown;
  /** The state value to highlight, e.g. "analyzing" or { dispatched: "ready" }. */
  current?: unknown;
  /** State values in order, oldest first; marks visited states and taken transitions. */
  history?: readonly unknown[];
  title: string;
  height?: number;
}

/**
 * An empty node covering ELK's whole drawing. fitView (initially and from the fit button) frames
 * nodes only; with this one it also frames edge routes and labels that stick out past the states.
 */
type FrameFlowNode = Node<Record<string, never>, 'frame'>;
const FRAME_ID = '__drawing__';

// Module-level so @xyflow/react sees stable objects and does not re-create every node.
const nodeTypes = { state: StateNode, frame: () => null };
const edgeTypes = { transition: TransitionEdge };

export function StateDiagram({
  definition,
  current,
  history,
  title,
  height = 480,
}: StateDiagramProps) {
  const summary = current === undefined ? '' : describeStateValue(current);
  const label = summary ? `${title}: current state ${summary}` : `${title}: no current state`;
  return (
    <div role="figure" aria-label={label} className="state-diagram">
      <div className="state-diagram__canvas" style={{ height }}>
        <Suspense fallback={<p className="state-diagram__status">Laying out…</p>}>
          <DiagramCanvas definition={definition} current={current} history={history} />
        </Suspense>
      </div>
      <Legend />
    </div>
  );
}

type CanvasProps = Pick<StateDiagramProps, 'definition' | 'current' | 'history'>;

function DiagramCanvas({ definition, current, history }: CanvasProps) {
  // Only `definition` feeds the layout; new `current`/`history` values reuse the cached result.
  const result = use(useMemo(() => cachedLayout(definition), [definition]));
  if (!result.ok) {
    return (
      <p className="state-diagram__status" role="alert">
        Could not draw the diagram: {result.error}
      </p>
    );
  }
  // A new layout is a new picture: remount so fitView frames it again.
  return (
    <Flow
      key={result.key}
      layout={result.layout}
      definition={definition}
      current={current}
      history={history}
    />
  );
}

function Flow({ layout, definition, current, history }: CanvasProps & { layout: Layout }) {
  const elements = useMemo(
    () => toFlowElements(layout, definition, current, history),
    [layout, definition, current, history],
  );
  // Nodes live in React Flow's own state so the sizes it measured survive a highlight change:
  // handing it fresh node objects on every live update would drop `measured`, and React Flow
  // does not draw edges between unmeasured nodes (their ResizeObserver never fires again).
  const [nodes, setNodes, onNodesChange] = useNodesState(elements.nodes);
  useEffect(() => {
    const next = new Map(elements.nodes.map((n) => [n.id, n]));
    setNodes((held) => held.map((n) => ({ ...n, data: next.get(n.id)?.data ?? n.data }) as typeof n));
  }, [elements, setNodes]);
  return (
    <ReactFlow
      nodes={nodes}
      onNodesChange={onNodesChange}
      edges={elements.edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      fitView
      fitViewOptions={{ padding: 0.04 }}
      minZoom={0.1}
      nodesDraggable={false}
      nodesConnectable={false}
      nodesFocusable={false}
      edgesFocusable={false}
      elementsSelectable={false}
      // Wheel and trackpad scroll the page, not the diagram; zoom with pinch or the buttons.
      zoomOnScroll={false}
      preventScrolling={false}
      proOptions={{ hideAttribution: true }}
    >
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}

function toFlowElements(
  layout: Layout,
  definition: unknown,
  current: unknown,
  history: readonly unknown[] | undefined,
): { nodes: (StateFlowNode | FrameFlowNode)[]; edges: TransitionFlowEdge[] } {
  const currentIds = new Set(current === undefined ? [] : activeLeafIds(definition, current));
  const path = pathStates(definition, history ?? (current === undefined ? [] : [current]));
  const frame: FrameFlowNode = {
    id: FRAME_ID,
    type: 'frame',
    position: { x: 0, y: 0 },
    width: layout.width,
    height: layout.height,
    data: {},
    zIndex: -1,
    ariaRole: 'presentation',
  };
  const states = layout.nodes.map(
    (state): StateFlowNode => ({
      id: state.id,
      type: 'state',
      position: { x: state.x, y: state.y },
      parentId: state.parentId,
      width: state.width,
      height: state.height,
      data: { state, current: currentIds.has(state.id), visited: path.visited.has(state.id) },
    }),
  );
  const labelOf = new Map(layout.nodes.map((n) => [n.id, n.label]));
  const describe = (t: PositionedEdge, taken: boolean) =>
    `${labelOf.get(t.source)} to ${labelOf.get(t.target)} on ${t.label}${taken ? ' (taken)' : ''}`;
  const edges = layout.edges.map((transition): TransitionFlowEdge => {
    const taken = path.taken.has(transition.id);
    const latest = path.latest.has(transition.id);
    return {
      id: transition.id,
      type: 'transition',
      source: transition.source,
      target: transition.target,
      className: taken ? 'transition transition--taken' : 'transition',
      animated: latest,
      // Read out instead of the default "Edge from task.analyzing to task.failed".
      ariaLabel: describe(transition, taken),
      markerEnd: {
        type: MarkerType.ArrowClosed,
        // Colours match diagram.css; markers are SVG defs, so they cannot be styled from CSS.
        color: taken ? '#1d4ed8' : '#64748b',
        // Same size on thick (taken) and thin edges, instead of scaling with the stroke.
        markerUnits: 'userSpaceOnUse',
        width: 22,
        height: 22,
      },
      data: { transition, taken, latest },
    };
  });
  return { nodes: [frame, ...states], edges };
}

function Legend() {
  return (
    <ul className="state-diagram__legend" aria-label="Legend">
      <LegendItem swatch="legend-swatch legend-swatch--current" text="current" />
      <LegendItem swatch="legend-swatch legend-swatch--visited" text="visited" />
      <LegendItem swatch="legend-line" text="taken transition" />
      <LegendItem swatch="legend-swatch legend-swatch--initial" text="initial" />
      <LegendItem swatch="legend-swatch legend-swatch--final" text="final" />
    </ul>
  );
}

function LegendItem({ swatch, text }: { swatch: string; text: string }) {
  return (
    <li>
      <span className={swatch} aria-hidden="true" /> {text}
    </li>
  );
}
