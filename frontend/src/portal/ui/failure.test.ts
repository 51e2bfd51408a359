import { CombinedError } from 'urql';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { describeError } from './failure';

function failed(status: number, message: string, code: string): CombinedError {
  return new CombinedError({
    graphQLErrors: [new GraphQLError(message, { extensions: { code } })],
    response: { status } as Response,
  });
}

describe('describeError', () => {
  it('gives an unavailable server its own words, which say to try again', () => {
    const message = 'paydesk cannot reach a service it needs right now; retry in a moment.';
    expect(describeError(failed(503, message, 'UNAVAILABLE'))).toBe(message);
  });

  it('names the status of any other server failure and keeps what it said', () => {
    expect(describeError(failed(500, 'Internal error', 'INTERNAL_SERVER_ERROR'))).toBe(
      'The server had a problem (HTTP 500). Try again in a moment.',
    );
    expect(describeError(failed(502, 'Bad gateway', 'BAD_GATEWAY'))).toBe(
      'The server had a problem (HTTP 502): Bad gateway. Try again in a moment.',
    );
  });

  it('shows a refusal as the server put it', () => {
    expect(describeError(failed(429, 'Rate limit reached; retry after the window resets.', 'RATE_LIMITED'))).toBe(
      'Rate limit reached; retry after the window resets.',
    );
  });
});
