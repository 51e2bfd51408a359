/**
 * One charge attempt of a dialog ("Log transaction / Charge", "Virtual
 * terminal"): the idempotency key made once per opening, so a retry after a
 * lost answer returns the first result and never charges twice. Only a
 * definite DECLINED or FAILED (no money moved) keeps the dialog open with
 * the reason and makes a fresh key, because trying another card is a new
 * attempt with another input.
 */
import { useEffect, useRef, useState } from 'react';

import type { ChargeResult, Outcome } from './outcome';
import { describeCharge } from './outcome';

export function useChargeAttempt(onDone: (outcome: Outcome) => void) {
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [decline, setDecline] = useState<string | null>(null);
  const settle = (transaction: ChargeResult) => {
    const outcome = describeCharge(transaction);
    if (outcome.close) onDone(outcome);
    else {
      setDecline(outcome.text);
      setKey(crypto.randomUUID());
    }
  };
  return { key, decline, clearDecline: () => setDecline(null), settle };
}

/**
 * Why the last attempt charged nothing: one short message at the top of the
 * card section, scrolled into view (the dialog's sticky footer would hide it
 * at the bottom), so the next card can be chosen right below it.
 */
export function DeclineNotice({ text }: { text: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (text) ref.current?.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
  }, [text]);
  if (!text) return null;
  return (
    <div ref={ref} className="notice notice-error decline-notice" role="alert">
      <p>{text}</p>
    </div>
  );
}
