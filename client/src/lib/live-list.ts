/**
 * A list kept live: read once, then followed by its update subscription from the cursor that
 * list was read at, so nothing between the two is missed. On reconnect the resume forwarder
 * continues from the last cursor seen (lib/resume.ts).
 */
import { useEffect, useState } from 'react';
import { useQuery, useSubscription, type CombinedError, type TypedDocumentNode } from 'urql';

/**
 * `list` is read with `network-only`; `load` takes each answer into a store and returns the
 * cursor it was read at. Only the first answer fixes where `updates` starts: a later refetch
 * must not restart the stream. `apply` takes each update. Returns the list's error, if any.
 */
export function useLiveList<List, Update>(
  list: TypedDocumentNode<List, { [key: string]: never }>,
  updates: TypedDocumentNode<Update, { after?: string | null }>,
  load: (data: List) => string,
  apply: (update: Update) => void,
): CombinedError | undefined {
  const [{ data, error }] = useQuery({ query: list, requestPolicy: 'network-only' });
  const [after, setAfter] = useState<string | null>(null);
  useEffect(() => {
    if (!data) return;
    const cursor = load(data);
    setAfter((current) => current ?? cursor);
    // Only a new answer runs it: `load` is a new closure each render.
  }, [data]);
  useSubscription({ query: updates, variables: { after }, pause: after === null }, (_previous, message) => {
    apply(message);
    return message;
  });
  return error;
}
