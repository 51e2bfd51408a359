import { humanize } from './format';

const TONES: Record<string, string> = {
  PAID: 'good', ACTIVE: 'good', SUCCEEDED: 'good', COMPLETED: 'good', USED: 'neutral',
  DECLINED: 'bad', FAILED: 'bad', PAST_DUE: 'bad', LOCKED: 'bad',
  PENDING: 'warn', PAUSED: 'warn', OPEN: 'warn', PARTIALLY_REFUNDED: 'warn',
  REFUNDED: 'neutral', VOIDED: 'neutral', WRITTEN_OFF: 'neutral', CANCELLED: 'neutral', EXPIRED: 'neutral', REVOKED: 'neutral', REMOVED: 'neutral',
};

/** A status in words with a colour; the word carries the meaning, the colour only helps. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${TONES[status] ?? 'neutral'}`}>{humanize(status)}</span>;
}
