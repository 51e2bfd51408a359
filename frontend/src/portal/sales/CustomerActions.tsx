/**
 * The customer's sales actions, in the customer page's header: each button
 * opens its dialog, and each is shown only to roles that may run it (REP and
 * up sell and request payment; ADMIN and up make coupons). A VIEWER sees
 * none. Dialogs mount only while open, so each opening starts fresh (and
 * with a fresh idempotency key). What a closed dialog did is said here.
 */
import { useState } from 'react';

import { useCan } from '../auth/viewer';
import { Button } from '../ui/Button';
import { CreateCouponDialog } from './CreateCouponDialog';
import type { Outcome } from './outcome';
import { RequestPaymentDialog } from './RequestPaymentDialog';
import { SaleDialog } from './SaleDialog';
import { VirtualTerminal } from './VirtualTerminal';
import './sales.css';

type Open = 'SALE' | 'REQUEST' | 'TERMINAL' | 'COUPON' | null;

export function CustomerActions({ customerId }: { customerId: string }) {
  const rep = useCan('REP');
  const admin = useCan('ADMIN');
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<Outcome | null>(null);
  if (!rep) return null;
  const close = () => setOpen(null);
  const done = (outcome: Outcome) => {
    setNotice(outcome);
    setOpen(null);
  };
  const start = (which: Open) => () => {
    setNotice(null);
    setOpen(which);
  };
  return (
    <div className="sales-actions">
      <div className="actions" role="group" aria-label="Sales actions">
        <Button variant="primary" onClick={start('SALE')}>
          Log transaction / Charge
        </Button>
        <Button onClick={start('REQUEST')}>Request payment</Button>
        <Button onClick={start('TERMINAL')}>Virtual terminal</Button>
        {admin ? <Button onClick={start('COUPON')}>Create coupon</Button> : null}
      </div>
      {notice ? (
        <div className={`notice notice-${notice.tone} sales-notice`} role={notice.tone === 'success' ? 'status' : 'alert'}>
          <p>{notice.text}</p>
          <Button variant="link" className="btn-small" onClick={() => setNotice(null)} aria-label="Dismiss">
            Dismiss
          </Button>
        </div>
      ) : null}
      {open === 'SALE' ? <SaleDialog customerId={customerId} onClose={close} onDone={done} /> : null}
      {open === 'TERMINAL' ? <VirtualTerminal customerId={customerId} onClose={close} onDone={done} /> : null}
      {open === 'REQUEST' ? <RequestPaymentDialog customerId={customerId} onClose={close} /> : null}
      {open === 'COUPON' && admin ? <CreateCouponDialog customerId={customerId} onClose={close} /> : null}
    </div>
  );
}
