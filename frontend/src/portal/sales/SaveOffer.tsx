/**
 * "Save as offer": the grid as a named offer (saveOffer, REP and up). Saved
 * offers never change, which the form says before it saves. Enter in the
 * name field saves the offer; it must never reach the dialog and charge.
 */
import { useState } from 'react';

import { useCan } from '../auth/viewer';
import { graphql } from '../gql';
import { Button } from '../ui/Button';
import { errorFor, unplaced } from '../ui/errors';
import { TextField } from '../ui/Field';
import { FormErrors } from '../ui/States';
import { useAction } from '../ui/useAction';
import type { GridOffer, GridRow } from './grid';
import { checkRows, toLineInputs } from './grid';

export const SaleDialogSaveOffer = graphql(`
  mutation SaleDialogSaveOffer($input: SaveOfferInput!) {
    saveOffer(input: $input) {
      offer {
        ...SalesOfferFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

interface SaveOfferProps {
  rows: readonly GridRow[];
  currency: string;
  onSaved: (offer: GridOffer) => void;
}

export function SaveOffer({ rows, currency, onSaved }: SaveOfferProps) {
  const allowed = useCan('REP');
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const save = useAction(SaleDialogSaveOffer, (d) => d.saveOffer);
  if (!allowed) return null;

  const run = async () => {
    if (!name.trim()) {
      setNameError('Name the offer.');
      return;
    }
    setNameError(null);
    const problems = checkRows(rows, currency);
    if (problems.length) {
      setNameError(problems[0]?.message ?? null);
      return;
    }
    const payload = await save.run({ input: { name: name.trim(), currency, lines: toLineInputs(rows) } });
    if (payload?.offer) {
      onSaved(payload.offer);
      setOpen(false);
      setName('');
    }
  };

  if (!open) {
    return (
      <div className="sales-save-offer">
        <Button className="btn-small" onClick={() => setOpen(true)}>
          Save as offer
        </Button>
      </div>
    );
  }
  return (
    <div className="sales-save-offer card" role="group" aria-label="Save as offer">
      <div className="notice notice-warning" role="note">
        Saved offers cannot be edited. To change one later, save a new offer.
      </div>
      <div className="sales-save-row">
        <TextField
          label="Offer name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              void run();
            }
          }}
          error={nameError ?? errorFor(save.errors, 'name')}
        />
        <Button variant="primary" busy={save.busy} onClick={() => void run()}>
          Save offer
        </Button>
        <Button onClick={() => setOpen(false)}>Cancel saving</Button>
      </div>
      <FormErrors errors={unplaced(save.errors, ['name'])} failure={save.failure} />
    </div>
  );
}
