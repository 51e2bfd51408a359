/**
 * The buttons of one subscription or plan and their confirm dialogs. A
 * button shows only when the viewer's role may run it (DESIGN.md's roles:
 * REP pauses, resumes, moves the next charge date, changes the card and pays a plan off;
 * ADMIN and up also cancel and change price or quantity) and the order's
 * status allows it. Each dialog is mounted when opened, so its fields and
 * idempotency key are fresh per opening.
 */
import type { ComponentType } from 'react';
import { useState } from 'react';

import { useCan, useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { SubscriptionDetailsFragment } from '../gql/graphql';
import { ActionConfirm } from '../transactions/ActionConfirm';
import { addDays, newIdempotencyKey } from '../transactions/labels';
import { useCheckedText } from '../transactions/useCheckedText';
import { errorFor } from '../ui/errors';
import { TextField } from '../ui/Field';
import { formatDate, today } from '../ui/format';
import { useAction } from '../ui/useAction';
import { ChangeCardDialog } from './ChangeCardDialog';
import { ChangeSubscriptionDialog } from './ChangeSubscriptionDialog';
import type { SubscriptionDialogProps } from './fields';
import { isDay, isOpen, kindNoun } from './fields';
import { TwoChoices } from './TwoChoices';

const PauseSubscription = graphql(`
  mutation SubscriptionPause($input: PauseSubscriptionInput!) {
    pauseSubscription(input: $input) {
      subscription {
        ...SubscriptionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const ResumeSubscription = graphql(`
  mutation SubscriptionResume($input: ResumeSubscriptionInput!) {
    resumeSubscription(input: $input) {
      subscription {
        ...SubscriptionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const CancelSubscription = graphql(`
  mutation SubscriptionCancel($input: CancelSubscriptionInput!) {
    cancelSubscription(input: $input) {
      subscription {
        ...SubscriptionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const MoveNextCharge = graphql(`
  mutation SubscriptionMoveNextCharge($input: UpdateSubscriptionInput!) {
    updateSubscription(input: $input) {
      subscription {
        ...SubscriptionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const PayRemainingBalance = graphql(`
  mutation SubscriptionPayRemainingBalance($input: PayRemainingBalanceInput!) {
    payRemainingBalance(input: $input) {
      subscription {
        ...SubscriptionDetails
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

type Which = 'pause' | 'resume' | 'cancel' | 'change' | 'move' | 'card' | 'payOff';

const DIALOGS: Record<Which, ComponentType<SubscriptionDialogProps>> = {
  pause: PauseDialog,
  resume: ResumeDialog,
  cancel: CancelDialog,
  change: ChangeSubscriptionDialog,
  move: MoveDateDialog,
  card: ChangeCardDialog,
  payOff: PayOffDialog,
};

interface ActionsProps {
  subscription: SubscriptionDetailsFragment;
  /** After success, with a sentence saying what happened. */
  onDone: (message: string) => void;
  /** A dialog opened: the last success message is stale. */
  onStart: () => void;
}

export function SubscriptionActions({ subscription: s, onDone, onStart }: ActionsProps) {
  const rep = useCan('REP');
  const admin = useCan('ADMIN');
  const [open, setOpen] = useState<Which | null>(null);
  if (!rep || !isOpen(s.status)) return null;
  const noun = kindNoun(s.kind);
  const plan = s.kind === 'PAYMENT_PLAN';
  const buttons: [Which, string][] = [];
  if (s.status === 'ACTIVE' || s.status === 'PAST_DUE') buttons.push(['pause', 'Pause']);
  if (s.status === 'PAUSED') buttons.push(['resume', 'Resume']);
  if ((s.status === 'ACTIVE' && s.nextChargeDate) || s.status === 'PAUSED') buttons.push(['move', 'Move next charge date']);
  buttons.push(['card', 'Change card']);
  if (admin && !plan) buttons.push(['change', 'Change price or quantity']);
  if (plan && (s.paymentsRemaining ?? 0) > 0) buttons.push(['payOff', 'Pay remaining balance']);
  if (admin) buttons.push(['cancel', `Cancel ${noun}`]);
  const close = () => setOpen(null);
  const done = (message: string) => {
    setOpen(null);
    onDone(message);
  };
  const OpenDialog = open ? DIALOGS[open] : null;
  return (
    <>
      {buttons.map(([which, label]) => (
        <button
          key={which}
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => {
            onStart();
            setOpen(which);
          }}
        >
          {label}
        </button>
      ))}
      {OpenDialog ? <OpenDialog subscription={s} onClose={close} onDone={done} /> : null}
    </>
  );
}

function PauseDialog({ subscription: s, onClose, onDone }: SubscriptionDialogProps) {
  const { locale } = useViewer();
  const run = useAction(PauseSubscription, (data) => data.pauseSubscription);
  const [untilDate, setUntilDate] = useState(false);
  const resumeOn = useCheckedText('');
  const tomorrow = addDays(today(), 1);
  const submit = async () => {
    if (untilDate && !isDay(resumeOn.text)) return resumeOn.setProblem('Choose the day it resumes.');
    if (untilDate && resumeOn.text < tomorrow) return resumeOn.setProblem('The resume day must be after today.');
    resumeOn.setProblem(null);
    const payload = await run.run({ input: { subscriptionId: s.id, resumeOn: untilDate ? resumeOn.text : null } });
    if (payload) onDone(untilDate ? `Paused until ${formatDate(resumeOn.text, locale)}.` : 'Paused until resumed.');
  };
  return (
    <ActionConfirm
      title={`Pause ${kindNoun(s.kind)}`}
      confirmLabel="Confirm pause"
      action={run}
      placed={['resumeOn']}
      onClose={onClose}
      onConfirm={() => void submit()}
    >
      <p>
        Nothing is charged while “{s.description}” is paused. On resume the next charge is the later of{' '}
        {s.nextChargeDate ? formatDate(s.nextChargeDate, locale) : 'the next charge date'} and the resume day
        {s.kind === 'PAYMENT_PLAN' ? '; no installment is skipped' : ''}.
      </p>
      <TwoChoices legend="Pause until" name="pause-until" value={untilDate} onChange={setUntilDate} first="Until resumed" second="Until a date" />
      {untilDate ? (
        <TextField
          label="Resume on"
          type="date"
          min={tomorrow}
          value={resumeOn.text}
          onChange={resumeOn.onChange}
          error={resumeOn.problem ?? errorFor(run.errors, 'resumeOn')}
        />
      ) : null}
    </ActionConfirm>
  );
}

function ResumeDialog({ subscription: s, onClose, onDone }: SubscriptionDialogProps) {
  const { locale } = useViewer();
  const run = useAction(ResumeSubscription, (data) => data.resumeSubscription);
  return (
    <ActionConfirm
      title={`Resume ${kindNoun(s.kind)}`}
      confirmLabel="Resume now"
      action={run}
      onClose={onClose}
      onConfirm={async () => {
        const payload = await run.run({ input: { subscriptionId: s.id } });
        const next = payload?.subscription?.nextChargeDate;
        if (payload) onDone(next ? `Resumed; next charge ${formatDate(next, locale)}.` : 'Resumed.');
      }}
    >
      <p>
        Resume “{s.description}” now? The next charge will be the later of{' '}
        {s.nextChargeDate ? formatDate(s.nextChargeDate, locale) : 'its next charge date'} and today.
      </p>
    </ActionConfirm>
  );
}

function CancelDialog({ subscription: s, onClose, onDone }: SubscriptionDialogProps) {
  const { locale } = useViewer();
  const run = useAction(CancelSubscription, (data) => data.cancelSubscription);
  // Only an ACTIVE order with a next charge has a paid period to run out.
  const canWait = s.status === 'ACTIVE' && Boolean(s.nextChargeDate);
  const [atPeriodEnd, setAtPeriodEnd] = useState(canWait);
  return (
    <ActionConfirm
      title={`Cancel ${kindNoun(s.kind)}`}
      confirmLabel="Confirm cancellation"
      action={run}
      danger
      onClose={onClose}
      onConfirm={async () => {
        const payload = await run.run({ input: { subscriptionId: s.id, atPeriodEnd: canWait && atPeriodEnd } });
        const at = payload?.subscription?.cancelAt;
        if (payload) onDone(at ? `Cancels on ${formatDate(at, locale)}; nothing more is charged.` : 'Cancelled.');
      }}
    >
      <p>Cancel “{s.description}”? This cannot be undone.</p>
      <TwoChoices
        legend="When"
        name="cancel-when"
        value={canWait && atPeriodEnd}
        onChange={setAtPeriodEnd}
        first="Cancel now"
        second={`At the end of the paid period${canWait && s.nextChargeDate ? ` (${formatDate(s.nextChargeDate, locale)})` : ''}`}
        secondDisabled={!canWait}
      />
    </ActionConfirm>
  );
}

function MoveDateDialog({ subscription: s, onClose, onDone }: SubscriptionDialogProps) {
  const { locale } = useViewer();
  const run = useAction(MoveNextCharge, (data) => data.updateSubscription);
  const day = useCheckedText(s.nextChargeDate ?? '');
  const first = today();
  const submit = async () => {
    if (!isDay(day.text)) return day.setProblem('Choose a day.');
    if (day.text < first) return day.setProblem('The next charge date cannot be in the past.');
    day.setProblem(null);
    const payload = await run.run({ input: { subscriptionId: s.id, nextChargeDate: day.text } });
    if (payload) onDone(`Next charge moved to ${formatDate(payload.subscription?.nextChargeDate ?? day.text, locale)}.`);
  };
  return (
    <ActionConfirm
      title="Move next charge date"
      confirmLabel="Move date"
      action={run}
      placed={['nextChargeDate']}
      onClose={onClose}
      onConfirm={() => void submit()}
    >
      <p>
        Charge “{s.description}” next on another day; the charges after it follow from there.
        {s.nextChargeDate ? ` Now: ${formatDate(s.nextChargeDate, locale)}.` : ''}
      </p>
      <TextField
        label="Next charge date"
        type="date"
        min={first}
        max={s.cancelAt ? addDays(s.cancelAt, -1) : undefined}
        value={day.text}
        onChange={day.onChange}
        error={day.problem ?? errorFor(run.errors, 'nextChargeDate')}
      />
    </ActionConfirm>
  );
}

function PayOffDialog({ subscription: s, onClose, onDone }: SubscriptionDialogProps) {
  const run = useAction(PayRemainingBalance, (data) => data.payRemainingBalance);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const balance = s.balanceRemaining?.formatted ?? 'the remaining balance';
  return (
    <ActionConfirm
      title="Pay remaining balance"
      confirmLabel="Charge remaining balance"
      action={run}
      onClose={onClose}
      onConfirm={async () => {
        if (await run.run({ input: { subscriptionId: s.id, idempotencyKey } })) onDone(`Charged ${balance}; the plan is complete.`);
      }}
    >
      <p>
        Charge {balance} now for the {s.paymentsRemaining} remaining{' '}
        {s.paymentsRemaining === 1 ? 'payment' : 'payments'} of “{s.description}”
        {s.paymentMethod ? ' to the plan’s card' : ''}, and complete the plan?
      </p>
    </ActionConfirm>
  );
}
