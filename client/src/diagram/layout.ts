/**
 * Positions a MachineGraph with ELK's layered algorithm. Runs in the browser and in Node (the
 * bundled build needs no worker), so it is unit-testable without a DOM.
 */
import type { ELK, ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { GraphEdge, GraphNode, MachineGraph } from './machine-graph.js';

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

/** A node with its box; x and y are relative to the parent node, as @xyflow/react expects. */
export interface PositionedNode extends GraphNode, Box {}

/** An edge with its route and label box, in absolute (diagram) coordinates. */
export interface PositionedEdge extends GraphEdge {
  points: Point[];
  labelBox?: Box;
}

export interface Layout {
  nodes: PositionedNode[];
  edges: PositionedEdge[];
  width: number;
  height: number;
}

export interface LayoutOptions {
  /**
   * Flow direction; DOWN by default. The task machine comes out about square top-down but four
   * times wider than tall left-to-right, which is unreadable on a phone once fitted.
   */
  direction?: 'RIGHT' | 'DOWN';
}

// Estimates for the fonts in diagram.css (14px state names, 12px edge labels); generous so a
// bold "current" label still fits.
const STATE_CHAR_WIDTH = 8.5;
const STATE_PADDING = 36;
const STATE_HEIGHT = 40;
const LABEL_CHAR_WIDTH = 7;
const LABEL_LINE_HEIGHT = 16;
const GROUP_HEADER = 32;

export function edgeLabelLines(edge: GraphEdge): string[] {
  return edge.guard ? [edge.label, `[${edge.guard}]`] : [edge.label];
}

function labelFor(edge: GraphEdge): ElkLabel {
  const lines = edgeLabelLines(edge);
  return {
    id: `${edge.id}/label`,
    text: lines.join('\n'),
    width: Math.max(...lines.map((l) => l.length)) * LABEL_CHAR_WIDTH + 12,
    height: lines.length * LABEL_LINE_HEIGHT + 4,
  };
}

// Cycles (retry, re-analysis) must be broken somewhere. Breaking them against the order states
// are written in keeps the happy path flowing forward, as the machine's author wrote it. Set on
// a group, MODEL_ORDER crashes ELK 0.12, so groups break cycles depth-first, which gives the same
// reading order for the small groups state machines have (idle → busy, healthy → stale).
const TOP_LEVEL_ORDERING = {
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
};
const GROUP_ORDERING = { 'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST' };

function toElk(graph: MachineGraph, direction: 'RIGHT' | 'DOWN'): ElkNode {
  const byParent = new Map<string | undefined, GraphNode[]>();
  for (const node of graph.nodes) {
    byParent.set(node.parentId, [...(byParent.get(node.parentId) ?? []), node]);
  }
  const build = (node: GraphNode): ElkNode => {
    const children = (byParent.get(node.id) ?? []).map(build);
    if (children.length > 0) {
      return {
        id: node.id,
        children,
        layoutOptions: {
          ...GROUP_ORDERING,
          'elk.padding': `[top=${GROUP_HEADER},left=16,bottom=16,right=16]`,
          // Room for the group's own name in its header.
          'elk.nodeSize.constraints': 'MINIMUM_SIZE',
          'elk.nodeSize.minimum': `(${node.label.length * STATE_CHAR_WIDTH + STATE_PADDING}, 0)`,
        },
      };
    }
    return {
      id: node.id,
      width: node.label.length * STATE_CHAR_WIDTH + STATE_PADDING,
      height: STATE_HEIGHT,
    };
  };
  return {
    id: '__root__',
    layoutOptions: {
      ...TOP_LEVEL_ORDERING,
      'elk.algorithm': 'layered',
      'elk.direction': direction,
      // One layout across the hierarchy, so edges into and out of groups are routed properly.
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      // Edges in absolute coordinates (they are drawn in one SVG), nodes relative to parents.
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'PARENT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      // Tight spacing: the task machine has 15 labelled edges in two levels of groups, and a
      // smaller drawing means larger text once fitted to the card.
      'elk.layered.spacing.nodeNodeBetweenLayers': '32',
      'elk.layered.spacing.edgeNodeBetweenLayers': '12',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '6',
      'elk.spacing.nodeNode': '24',
      'elk.spacing.edgeEdge': '8',
      'elk.spacing.edgeLabel': '4',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: (byParent.get(undefined) ?? []).map(build),
    edges: graph.edges.map(
      (edge): ElkExtendedEdge => ({
        id: edge.id,
        sources: [edge.source],
        targets: [edge.target],
        labels: [labelFor(edge)],
      }),
    ),
  };
}

function box(shape: { x?: number; y?: number; width?: number; height?: number }): Box {
  return { x: shape.x ?? 0, y: shape.y ?? 0, width: shape.width ?? 0, height: shape.height ?? 0 };
}

let elk: Promise<ELK> | undefined;

/** ELK is over a megabyte of JavaScript: load it with the first layout, not with the app. */
function loadElk(): Promise<ELK> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(
    ({ default: Elk }) => new Elk(),
    (error: unknown) => {
      // A failed chunk download (flaky network, new deploy) is retried by the next layout.
      elk = undefined;
      throw error;
    },
  );
  return elk;
}

export async function layoutGraph(
  graph: MachineGraph,
  options: LayoutOptions = {},
): Promise<Layout> {
  const result = await (await loadElk()).layout(toElk(graph, options.direction ?? 'DOWN'));

  const shapes = new Map<string, Box>();
  const walk = (node: ElkNode): void => {
    for (const child of node.children ?? []) {
      shapes.set(child.id, box(child));
      walk(child);
    }
  };
  walk(result);
  // All edges are declared on the root, and ELK reports their routes where they were declared.
  const routed = new Map((result.edges ?? []).map((edge) => [edge.id, edge]));

  return {
    // The order of graph.nodes puts parents before children, which @xyflow/react requires.
    nodes: graph.nodes.map((node) => ({ ...node, ...(shapes.get(node.id) ?? box({})) })),
    edges: graph.edges.map((edge) => {
      const elkEdge = routed.get(edge.id);
      const points = (elkEdge?.sections ?? []).flatMap((s) => [
        s.startPoint,
        ...(s.bendPoints ?? []),
        s.endPoint,
      ]);
      const label = elkEdge?.labels?.[0];
      return { ...edge, points, labelBox: label ? box(label) : undefined };
    }),
    width: result.width ?? 0,
    height: result.height ?? 0,
  };
}
