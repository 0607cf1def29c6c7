/**
 * The `Bus` port: a doorbell between processes. It carries the newest committed cursor and
 * nothing that matters: subscribers are always fed from the log, so a lost or duplicated ring
 * costs at most a redundant read, never an event.
 */
export interface Bus {
  /** Tell every instance (this one included) that the log has grown to at least `cursor`. */
  notify(cursor: number): void;
  /** Listen for rings. Returns the unsubscribe function. */
  onNotify(listener: (cursor: number) => void): () => void;
  /** Reachability, for /readyz (the in-process bus is always reachable). */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
