/**
 * The buttons of one subscription or plan and their confirm dialogs. A
 * button shows only when the viewer's role may run it (DESIGN.md's roles:
 * REP pauses, resumes, moves the next charge date and pays a plan off;
 * ADMIN and up also cancel and change price or quantity) and the order's
 * status allows it. Each dialog is mounted when opened, so its fields and
 * idempotency key are fresh per opening.
 */
import { useState } from 'react';

import { useCan, useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { SubscriptionDetailsFragment } from '../gql/graphql';
import { addDays, newIdempotencyKey } from '../transactions/labels';
import { Confirm } from '../ui/Confirm';
import { errorFor, unplaced } from '../ui/errors';
import { TextField } from '../ui/Field';
import { formatDate, today } from '../ui/format';
import { useAction } from '../ui/useAction';
import { ChangeSubscriptionDialog } from './ChangeSubscriptionDialog';
import { isOpen, kindNoun } from './fields';

const PauseSubscription = graphql(`
  mutation SubscriptionPause($input: PauseSubscriptionInput!) {
    pauseSubscription(input: $input) {
      subscription {
        ...SubscriptionDetails
      }
      userErrors {
        field
        code
        message
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
        field
        code
        message
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
        field
        code
        message
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
        field
        code
        message
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
        field
        code
        message
      }
    }
  }
`);

type Which = 'pause' | 'resume' | 'cancel' | 'change' | 'move' | 'payOff';

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
  if ((s.status === 'ACTIVE' || s.status === 'PAUSED') && s.nextChargeDate) buttons.push(['move', 'Move next charge date']);
  if (admin && !plan) buttons.push(['change', 'Change price or quantity']);
  if (plan && (s.paymentsRemaining ?? 0) > 0) buttons.push(['payOff', 'Pay remaining balance']);
  if (admin) buttons.push(['cancel', `Cancel ${noun}`]);
  const close = () => setOpen(null);
  const done = (message: string) => {
    setOpen(null);
    onDone(message);
  };
  const props = { subscription: s, onClose: close, onDone: done };
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
      {open === 'pause' ? <PauseDialog {...props} /> : null}
      {open === 'resume' ? <ResumeDialog {...props} /> : null}
      {open === 'cancel' ? <CancelDialog {...props} /> : null}
      {open === 'move' ? <MoveDateDialog {...props} /> : null}
      {open === 'payOff' ? <PayOffDialog {...props} /> : null}
      {open === 'change' ? <ChangeSubscriptionDialog {...props} /> : null}
    </>
  );
}

export interface DialogProps {
  subscription: SubscriptionDetailsFragment;
  onClose: () => void;
  onDone: (message: string) => void;
}

function PauseDialog({ subscription: s, onClose, onDone }: DialogProps) {
  const { locale } = useViewer();
  const run = useAction(PauseSubscription, (data) => data.pauseSubscription);
  const [untilDate, setUntilDate] = useState(false);
  const [resumeOn, setResumeOn] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const tomorrow = addDays(today(), 1);
  const noun = kindNoun(s.kind);
  const submit = async () => {
    if (untilDate && !/^\d{4}-\d{2}-\d{2}$/.test(resumeOn)) return setProblem('Choose the day it resumes.');
    if (untilDate && resumeOn < tomorrow) return setProblem('The resume day must be after today.');
    setProblem(null);
    const payload = await run.run({ input: { subscriptionId: s.id, resumeOn: untilDate ? resumeOn : null } });
    if (payload) onDone(untilDate ? `Paused until ${formatDate(resumeOn, locale)}.` : 'Paused until resumed.');
  };
  return (
    <Confirm
      title={`Pause ${noun}`}
      open
      onClose={onClose}
      onConfirm={() => void submit()}
      confirmLabel="Confirm pause"
      busy={run.busy}
      errors={unplaced(run.errors, ['resumeOn'])}
      failure={run.failure}
    >
      <p>
        Nothing is charged while “{s.description}” is paused. On resume the next charge is the later of{' '}
        {s.nextChargeDate ? formatDate(s.nextChargeDate, locale) : 'the next charge date'} and the resume day
        {s.kind === 'PAYMENT_PLAN' ? '; no installment is skipped' : ''}.
      </p>
      <fieldset>
        <legend>Pause until</legend>
        <div className="choices">
          <label>
            <input type="radio" name="pause-until" checked={!untilDate} onChange={() => setUntilDate(false)} />
            Until resumed
          </label>
          <label>
            <input type="radio" name="pause-until" checked={untilDate} onChange={() => setUntilDate(true)} />
            Until a date
          </label>
        </div>
      </fieldset>
      {untilDate ? (
        <TextField
          label="Resume on"
          type="date"
          min={tomorrow}
          value={resumeOn}
          onChange={(event) => {
            setResumeOn(event.target.value);
            setProblem(null);
          }}
          error={problem ?? errorFor(run.errors, 'resumeOn')}
        />
      ) : null}
    </Confirm>
  );
}

function ResumeDialog({ subscription: s, onClose, onDone }: DialogProps) {
  const { locale } = useViewer();
  const run = useAction(ResumeSubscription, (data) => data.resumeSubscription);
  return (
    <Confirm
      title={`Resume ${kindNoun(s.kind)}`}
      open
      onClose={onClose}
      onConfirm={async () => {
        const payload = await run.run({ input: { subscriptionId: s.id } });
        const next = payload?.subscription?.nextChargeDate;
        if (payload) onDone(next ? `Resumed; next charge ${formatDate(next, locale)}.` : 'Resumed.');
      }}
      confirmLabel="Resume now"
      busy={run.busy}
      errors={run.errors}
      failure={run.failure}
    >
      <p>
        Resume “{s.description}” now? The next charge will be the later of{' '}
        {s.nextChargeDate ? formatDate(s.nextChargeDate, locale) : 'its next charge date'} and today.
      </p>
    </Confirm>
  );
}

function CancelDialog({ subscription: s, onClose, onDone }: DialogProps) {
  const { locale } = useViewer();
  const run = useAction(CancelSubscription, (data) => data.cancelSubscription);
  // Only an ACTIVE order with a next charge has a paid period to run out.
  const canWait = s.status === 'ACTIVE' && Boolean(s.nextChargeDate);
  const [atPeriodEnd, setAtPeriodEnd] = useState(canWait);
  const noun = kindNoun(s.kind);
  return (
    <Confirm
      title={`Cancel ${noun}`}
      open
      onClose={onClose}
      danger
      onConfirm={async () => {
        const payload = await run.run({ input: { subscriptionId: s.id, atPeriodEnd: canWait && atPeriodEnd } });
        const at = payload?.subscription?.cancelAt;
        if (payload) onDone(at ? `Cancels on ${formatDate(at, locale)}; nothing more is charged.` : 'Cancelled.');
      }}
      confirmLabel="Confirm cancellation"
      busy={run.busy}
      errors={run.errors}
      failure={run.failure}
    >
      <p>Cancel “{s.description}”? This cannot be undone.</p>
      <fieldset>
        <legend>When</legend>
        <div className="choices">
          <label>
            <input type="radio" name="cancel-when" checked={!atPeriodEnd || !canWait} onChange={() => setAtPeriodEnd(false)} />
            Cancel now
          </label>
          <label>
            <input
              type="radio"
              name="cancel-when"
              disabled={!canWait}
              checked={canWait && atPeriodEnd}
              onChange={() => setAtPeriodEnd(true)}
            />
            At the end of the paid period{canWait && s.nextChargeDate ? ` (${formatDate(s.nextChargeDate, locale)})` : ''}
          </label>
        </div>
      </fieldset>
    </Confirm>
  );
}

function MoveDateDialog({ subscription: s, onClose, onDone }: DialogProps) {
  const { locale } = useViewer();
  const run = useAction(MoveNextCharge, (data) => data.updateSubscription);
  const [day, setDay] = useState(s.nextChargeDate ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const first = today();
  const submit = async () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return setProblem('Choose a day.');
    if (day < first) return setProblem('The next charge date cannot be in the past.');
    setProblem(null);
    const payload = await run.run({ input: { subscriptionId: s.id, nextChargeDate: day } });
    if (payload) onDone(`Next charge moved to ${formatDate(payload.subscription?.nextChargeDate ?? day, locale)}.`);
  };
  return (
    <Confirm
      title="Move next charge date"
      open
      onClose={onClose}
      onConfirm={() => void submit()}
      confirmLabel="Move date"
      busy={run.busy}
      errors={unplaced(run.errors, ['nextChargeDate'])}
      failure={run.failure}
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
        value={day}
        onChange={(event) => {
          setDay(event.target.value);
          setProblem(null);
        }}
        error={problem ?? errorFor(run.errors, 'nextChargeDate')}
      />
    </Confirm>
  );
}

function PayOffDialog({ subscription: s, onClose, onDone }: DialogProps) {
  const run = useAction(PayRemainingBalance, (data) => data.payRemainingBalance);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const balance = s.balanceRemaining?.formatted ?? 'the remaining balance';
  return (
    <Confirm
      title="Pay remaining balance"
      open
      onClose={onClose}
      onConfirm={async () => {
        if (await run.run({ input: { subscriptionId: s.id, idempotencyKey } })) onDone(`Charged ${balance}; the plan is complete.`);
      }}
      confirmLabel="Charge remaining balance"
      busy={run.busy}
      errors={run.errors}
      failure={run.failure}
    >
      <p>
        Charge {balance} now for the {s.paymentsRemaining} remaining{' '}
        {s.paymentsRemaining === 1 ? 'payment' : 'payments'} of “{s.description}”
        {s.paymentMethod ? ' to the plan’s card' : ''}, and complete the plan?
      </p>
    </Confirm>
  );
}
