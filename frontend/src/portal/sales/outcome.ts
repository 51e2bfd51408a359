/**
 * What a charge's result means for the person at the desk (DESIGN.md's
 * "Money movement and outcomes"): PAID closes the dialog with a success
 * notice; DECLINED and FAILED keep it open with the reason in plain words so
 * another card can be tried; PENDING closes it with a warning, because the
 * gateway may still take the money and charging again could charge twice.
 */
import { humanize } from '../ui/format';

export interface ChargeResult {
  status: string;
  total: { formatted: string };
  declineCode?: string | null;
  resultCode?: string | null;
  resultMessage?: string | null;
}

export type Outcome = { tone: 'success' | 'warning'; text: string; close: true } | { tone: 'error'; text: string; close: false };

const DECLINES: Record<string, string> = {
  generic_decline: 'the bank declined it without giving a reason',
  insufficient_funds: 'there are not enough funds on the card',
  expired_card: 'the card has expired',
  stolen_card: 'the card was reported stolen',
  lost_card: 'the card was reported lost',
  incorrect_cvc: 'the CVC is wrong',
  incorrect_number: 'the card number is wrong',
  do_not_honor: 'the bank declined it (do not honor)',
  card_velocity_exceeded: 'the card is over its limit',
  processing_error: 'the bank had a processing error',
};

const RESULT_WORDS: Record<string, string> = {
  GOOD: 'Approved',
  BAD_DATA: 'The gateway refused the request as invalid',
  GATEWAY_ACCOUNT_ERROR: 'The gateway account has a problem: check it with the gateway',
  INTERNAL_ERROR: 'paydesk had an internal error',
  REMOTE_GATEWAY_ERROR: 'The gateway had an error of its own',
  GATEWAY_CREDENTIALS_ERROR: "The gateway refused paydesk's credentials: check the gateway in settings",
  CONNECTION_ERROR: 'No answer from the gateway (the connection was lost)',
};

/** A sale's gateway result in plain words: "The bank declined the card (generic decline)", "Approved". */
export function resultWords(sale: { resultCode?: string | null; declineCode?: string | null }): string | null {
  if (sale.declineCode) return `The bank declined the card (${humanize(sale.declineCode).toLowerCase()})`;
  if (!sale.resultCode) return null;
  return RESULT_WORDS[sale.resultCode] ?? humanize(sale.resultCode);
}

/** The issuer's reason in plain words ("there are not enough funds on the card"). */
export function declineWhy(code: string | null | undefined): string {
  const known = code ? DECLINES[code] : undefined;
  return known ?? (code ? humanize(code).toLowerCase() : 'the bank gave no reason');
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

export function describeCharge(result: ChargeResult, verb: 'Charged' | 'Logged' = 'Charged'): Outcome {
  const amount = result.total.formatted;
  const said = result.resultMessage ? ` The gateway said: ${sentence(result.resultMessage)}` : '';
  switch (result.status) {
    case 'PAID':
      return { tone: 'success', text: `${verb} ${amount}. It is in the payments table.`, close: true };
    case 'DECLINED':
      // One short sentence: why, and what to do. The gateway's own words repeat the decline code.
      return { tone: 'error', text: `Declined: ${declineWhy(result.declineCode)}. Nothing was charged; try another card.`, close: false };
    case 'FAILED':
      return {
        tone: 'error',
        text: `The charge of ${amount} did not go through: the gateway refused the request${result.resultCode ? ` (${humanize(result.resultCode)})` : ''}.${said} No money moved; try again or use another card.`,
        close: false,
      };
    case 'PENDING':
      return {
        tone: 'warning',
        text: `The gateway has not answered yet for ${amount}. The payment shows as pending and will be reconciled automatically; check the payments table before charging again.`,
        close: true,
      };
    default:
      return { tone: 'success', text: `${verb} ${amount} (${humanize(result.status).toLowerCase()}).`, close: true };
  }
}
