/**
 * How many rows a customer section asks for: a page of 20, and "Show more"
 * asks for one more page, up to the API's limit of 100.
 */
import type { ReactNode } from 'react';
import { useState } from 'react';

import { Button } from '../ui/Button';

const PAGE = 20;
const MAX = 100;

export function usePageSize() {
  const [first, setFirst] = useState(PAGE);
  return { first, more: () => setFirst(Math.min(first + PAGE, MAX)), full: first >= MAX };
}

interface ShowMoreProps {
  page: ReturnType<typeof usePageSize>;
  hasNextPage: boolean | undefined;
  fetching: boolean;
  children: ReactNode;
}

/** The "Show more …" button, while the API has more and the limit is not reached. */
export function ShowMore({ page, hasNextPage, fetching, children }: ShowMoreProps) {
  if (!hasNextPage || page.full) return null;
  return (
    <Button className="btn-small" busy={fetching} onClick={page.more}>
      {children}
    </Button>
  );
}
