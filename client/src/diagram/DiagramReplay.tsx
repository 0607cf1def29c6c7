import { useEffect, useId, useMemo, useState } from 'react';
import './diagram.css';
import { StateDiagram } from './StateDiagram.js';

export interface ReplayStep {
  /** The state value after this step. */
  state: unknown;
  label: string;
  /** ISO timestamp. */
  at: string;
}

export interface DiagramReplayProps {
  definition: unknown;
  /** Oldest first. */
  steps: readonly ReplayStep[];
  title: string;
  height?: number;
}

const PLAY_INTERVAL_MS = 700;

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** StateDiagram with a scrubber over the entity's history; follows new steps while "live". */
export function DiagramReplay({ definition, steps, title, height }: DiagramReplayProps) {
  // null = live: always show the newest step, including ones that arrive later.
  const [pinned, setPinned] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const sliderId = useId();
  const last = steps.length - 1;
  const index = pinned === null ? last : Math.min(pinned, last);
  const step = steps[index];

  useEffect(() => {
    if (!playing) return;
    const timer = setTimeout(() => {
      if (index < last) {
        setPinned(index + 1);
      } else {
        // Caught up with the newest step: keep following it.
        setPlaying(false);
        setPinned(null);
      }
    }, PLAY_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [playing, index, last]);

  const history = useMemo(() => steps.slice(0, index + 1).map((s) => s.state), [steps, index]);

  const togglePlay = () => {
    if (playing) {
      setPlaying(false);
      return;
    }
    // Playing from the newest step would end at once; replay from the start instead.
    setPinned(index >= last ? 0 : index);
    setPlaying(true);
  };

  return (
    <div className="diagram-replay">
      <StateDiagram
        definition={definition}
        current={step?.state}
        history={history}
        title={title}
        height={height}
      />
      <div className="diagram-replay__controls">
        <label htmlFor={sliderId}>Replay history</label>
        <input
          id={sliderId}
          type="range"
          min={0}
          max={Math.max(last, 0)}
          step={1}
          value={Math.max(index, 0)}
          disabled={steps.length < 2}
          aria-valuetext={step ? `Step ${index + 1} of ${steps.length}: ${step.label}` : 'No steps'}
          onChange={(event) => {
            setPlaying(false);
            setPinned(Number(event.target.value));
          }}
        />
        <button type="button" onClick={togglePlay} disabled={steps.length < 2}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button
          type="button"
          aria-pressed={pinned === null}
          onClick={() => {
            setPlaying(false);
            setPinned(null);
          }}
        >
          Live
        </button>
      </div>
      <p className="diagram-replay__step">
        {step ? (
          <>
            <span>
              Step {index + 1} of {steps.length}
            </span>
            <strong>{step.label}</strong>
            <time dateTime={step.at}>{formatTime(step.at)}</time>
          </>
        ) : (
          'No history yet.'
        )}
      </p>
    </div>
  );
}
