/**
 * One charge attempt of a dialog ("Log transaction / Charge", "Virtual
 * terminal"): the idempotency key made once per opening, so a retry after a
 * lost answer returns the first result and never charges twice. Only a
 * definite DECLINED or FAILED (no money moved) keeps the dialog open with
 * the reason and makes a fresh key, because trying another card is a new
 * attempt with another input.
 */
import { useState } from 'react';

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

/** Why the last attempt charged nothing. */
export function DeclineNotice({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <div className="notice notice-error" role="alert">
      <p>
        <strong>Not charged.</strong> {text}
      </p>
    </div>
  );
}
