/**
 * What went wrong with a request, in words staff can act on: a server that
 * answered with an error is not "unreachable", and an unreachable one is not
 * "broken". Shared by query errors and mutation failures.
 */
import type { CombinedError } from 'urql';

export function describeError(error: CombinedError | undefined): string {
  if (!error) return 'Something went wrong. Try again.';
  const status = (error.response as Response | undefined)?.status;
  const message = error.graphQLErrors[0]?.message;
  // Busy, or its database out of reach: the server's words already say to try again.
  if (error.graphQLErrors[0]?.extensions?.code === 'UNAVAILABLE' && message) return message;
  if (status !== undefined && status >= 500) {
    return `The server had a problem (HTTP ${status})${message && message !== 'Internal error' ? `: ${message}` : ''}. Try again in a moment.`;
  }
  if (message) return message;
  if (status === 429) return 'Too many requests right now. Wait a moment and try again.';
  if (error.networkError) return 'The server could not be reached. Check your connection and try again.';
  return error.message || 'Something went wrong. Try again.';
}
