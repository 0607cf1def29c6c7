import { BaseEdge, EdgeLabelRenderer } from '@xyflow/react';
import type { Edge, EdgeProps } from '@xyflow/react';
import { edgeLabelLines } from './layout.js';
import type { Point, PositionedEdge } from './layout.js';

export interface TransitionEdgeData extends Record<string, unknown> {
  transition: PositionedEdge;
  taken: boolean;
  latest: boolean;
}

export type TransitionFlowEdge = Edge<TransitionEdgeData, 'transition'>;

const CORNER_RADIUS = 6;

/** SVG path through ELK's orthogonal route, with the corners slightly rounded. */
function routePath(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  let path = `M ${first.x} ${first.y}`;
  rest.forEach((point, i) => {
    const next = rest[i + 1];
    if (!next) {
      path += ` L ${point.x} ${point.y}`;
      return;
    }
    const prev = i === 0 ? first : rest[i - 1];
    // Never round more than half a segment, or short jogs would overshoot.
    const r = Math.min(
      CORNER_RADIUS,
      Math.hypot(point.x - prev.x, point.y - prev.y) / 2,
      Math.hypot(next.x - point.x, next.y - point.y) / 2,
    );
    const before = towards(point, prev, r);
    const after = towards(point, next, r);
    path += ` L ${before.x} ${before.y} Q ${point.x} ${point.y} ${after.x} ${after.y}`;
  });
  return path;
}

function towards(from: Point, to: Point, distance: number): Point {
  const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return {
    x: from.x + ((to.x - from.x) / length) * distance,
    y: from.y + ((to.y - from.y) / length) * distance,
  };
}

/**
 * Draws the route ELK computed rather than React Flow's own handle-to-handle curve, so edges go
 * around states and labels sit where ELK reserved room for them.
 */
export function TransitionEdge({ id, data, markerEnd }: EdgeProps<TransitionFlowEdge>) {
  if (!data) return null;
  const { transition, taken, latest } = data;
  const label = transition.labelBox;
  const [event, guard] = edgeLabelLines(transition);
  return (
    <>
      <BaseEdge
        id={id}
        path={routePath(transition.points)}
        markerEnd={markerEnd}
        interactionWidth={0}
      />
      {label && (
        <EdgeLabelRenderer>
          <div
            className="transition-label"
            data-taken={taken ? 'true' : undefined}
            data-latest={latest ? 'true' : undefined}
            style={{
              transform: `translate(${label.x}px, ${label.y}px)`,
              width: label.width,
              height: label.height,
            }}
          >
            <span>{event}</span>
            {guard && <span className="transition-label__guard">{guard}</span>}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
