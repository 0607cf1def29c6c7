/**
 * A list kept live: read once, then followed by its update subscription from the cursor that
 * list was read at, so nothing between the two is missed. On reconnect the resume forwarder
 * continues from the last cursor seen (lib/resume.ts). If the server no longer keeps the events
 * after that cursor (retention: CURSOR_EXPIRED), the list is read again and followed from the
 * new read's cursor: what the stream missed is in the new read.
 */
import { useEffect, useState } from 'react';
import { useQuery, useSubscription, type CombinedError, type TypedDocumentNode } from 'urql';
import { cursorExpired } from './resume';

/**
 * `list` is read with `network-only`; `load` takes each answer into a store and returns the
 * cursor it was read at. Only the first answer fixes where `updates` starts: a later refetch
 * must not restart the stream, except the read again after CURSOR_EXPIRED, whose cursor it
 * restarts from (then `resynced` runs, for what else was read from the old cursor on). `apply`
 * takes each update. Returns the list's error, if any.
 */
export function useLiveList<List, Update>(
  list: TypedDocumentNode<List, { [key: string]: never }>,
  updates: TypedDocumentNode<Update, { after?: string | null }>,
  load: (data: List) => string,
  apply: (update: Update) => void,
  resynced?: () => void,
): CombinedError | undefined {
  const [{ data, error }, reread] = useQuery({ query: list, requestPolicy: 'network-only' });
  const [after, setAfter] = useState<string | null>(null);
  /** Waiting for the read again after CURSOR_EXPIRED: its answer sets the stream's start. */
  const [expired, setExpired] = useState(false);
  useEffect(() => {
    if (!data) return;
    const cursor = load(data);
    if (expired) {
      setExpired(false);
      setAfter(cursor);
      resynced?.();
      return;
    }
    setAfter((current) => current ?? cursor);
    // Only a new answer runs it: `load` is a new closure each render.
  }, [data]);
  const [{ error: streamError }] = useSubscription({ query: updates, variables: { after }, pause: after === null }, (_previous, message) => {
    apply(message);
    return message;
  });
  useEffect(() => {
    if (!cursorExpired(streamError?.graphQLErrors)) return;
    setAfter(null); // paused until the read again
    setExpired(true);
    reread({ requestPolicy: 'network-only' });
  }, [streamError]);
  return error;
}
