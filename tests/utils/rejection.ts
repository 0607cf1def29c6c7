import { expect } from 'vitest';

/**
 * The error `promise` rejects with. It must reject, with an Error whose message does not contain
 * `secret` (an adapter's key or token must never reach an error a log or a user may see).
 */
export async function rejectionWithout(secret: string, promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).not.toContain(secret);
  return error as Error;
}
