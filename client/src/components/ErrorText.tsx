import type { CombinedError } from 'urql';

/** An operation's error as the server worded it (its first GraphQL error), announced to screen readers. */
export function ErrorText({ error }: { error: CombinedError | undefined | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="error-text">
      {error.graphQLErrors[0]?.message ?? error.message}
    </p>
  );
}
