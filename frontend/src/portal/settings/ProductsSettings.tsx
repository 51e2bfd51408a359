/**
 * The product catalog: list (archived ones on request), add, edit, archive.
 * Saved offers and past sales keep their prices when a product changes.
 */
import { useState } from 'react';
import { useQuery } from 'urql';

import { useViewer } from '../auth/viewer';
import { graphql } from '../gql';
import type { SettingsProductsQuery } from '../gql/graphql';
import { Button } from '../ui/Button';
import { errorFor } from '../ui/errors';
import { TextArea, TextField } from '../ui/Field';
import { amountProblem } from '../ui/money';
import { StatusBadge } from '../ui/StatusBadge';
import { useAction } from '../ui/useAction';
import { ConfirmMutation } from './ConfirmMutation';
import { FormDialog } from './FormDialog';
import { QueryStates, SettingsSection, ShowArchived } from './SettingsSection';
import { SettingsTable } from './SettingsTable';
import { useDraft, useProblems } from './useDraft';

graphql(`
  fragment SettingsProductFields on Product {
    id
    number
    name
    price {
      amount
      currency
      formatted
    }
    sku
    description
    archived
    createdAt
    deliveryEmail {
      subject
      body
    }
  }
`);

const SettingsProductsQueryDoc = graphql(`
  query SettingsProducts($includeArchived: Boolean!) {
    products(includeArchived: $includeArchived) {
      ...SettingsProductFields
    }
  }
`);

const SettingsCreateProduct = graphql(`
  mutation SettingsCreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      product {
        ...SettingsProductFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsUpdateProduct = graphql(`
  mutation SettingsUpdateProduct($input: UpdateProductInput!) {
    updateProduct(input: $input) {
      product {
        ...SettingsProductFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SettingsArchiveProduct = graphql(`
  mutation SettingsArchiveProduct($input: ArchiveProductInput!) {
    archiveProduct(input: $input) {
      product {
        id
        archived
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

type Product = SettingsProductsQuery['products'][number];

const COLUMNS = [{ label: '#', className: 'num' }, 'Name', { label: 'Price', className: 'num' }, 'SKU', 'Status'];

export function ProductsSettings() {
  const [includeArchived, setIncludeArchived] = useState(false);
  const [result, reexecute] = useQuery({ query: SettingsProductsQueryDoc, variables: { includeArchived } });
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const [archiving, setArchiving] = useState<Product | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const products = result.data?.products ?? [];
  return (
    <SettingsSection id="settings-products-title" title="Products" action={{ label: 'New product', onClick: () => setEditing('new') }}>
      <ShowArchived label="Show archived products" checked={includeArchived} onChange={setIncludeArchived} />
      <QueryStates result={result} count={products.length} empty={includeArchived ? 'No products yet.' : 'No active products. Add one with “New product”.'} />
      {products.length ? (
        <SettingsTable columns={COLUMNS}>
          {products.map((product) => (
            <tr key={product.id}>
              <td className="num muted">{product.number}</td>
              <td>
                {product.name}
                {product.description ? <div className="muted hide-narrow">{product.description}</div> : null}
              </td>
              <td className="num">{product.price.formatted}</td>
              <td className="mono settings-nowrap">{product.sku ?? '—'}</td>
              <td>
                <StatusBadge status={product.archived ? 'ARCHIVED' : 'ACTIVE'} />
              </td>
              <td>
                {product.archived ? null : (
                  <div className="settings-row-actions">
                    <Button className="btn-small" aria-label={`Edit ${product.name}`} onClick={() => setEditing(product)}>
                      Edit
                    </Button>
                    <Button className="btn-small" aria-label={`Archive ${product.name}`} onClick={() => setArchiving(product)}>
                      Archive
                    </Button>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </SettingsTable>
      ) : null}
      {editing ? (
        <ProductDialog
          product={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            refresh();
          }}
        />
      ) : null}
      {archiving ? (
        <ConfirmMutation
          document={SettingsArchiveProduct}
          pick={(data) => data.archiveProduct}
          variables={{ input: { productId: archiving.id } }}
          title="Archive product"
          confirmLabel="Archive product"
          onClose={() => setArchiving(null)}
          onDone={() => {
            setArchiving(null);
            refresh();
          }}
        >
          <p>
            <strong>{archiving.name}</strong> leaves the product pickers. Saved offers and past sales that use it keep working.
          </p>
        </ConfirmMutation>
      ) : null}
    </SettingsSection>
  );
}

const PRODUCT_FIELDS = ['name', 'price', 'price.amount', 'price.currency', 'sku', 'description', 'deliveryEmail.subject', 'deliveryEmail.body'];

/** "New product" when `product` is null, else "Edit product". */
function ProductDialog({ product, onClose, onSaved }: { product: Product | null; onClose: () => void; onSaved: () => void }) {
  const viewer = useViewer();
  const [draft, set] = useDraft({
    name: product?.name ?? '',
    amount: product?.price.amount ?? '',
    currency: product?.price.currency ?? viewer.defaultCurrency,
    sku: product?.sku ?? '',
    description: product?.description ?? '',
    deliverySubject: product?.deliveryEmail?.subject ?? '',
    deliveryBody: product?.deliveryEmail?.body ?? '',
  });
  const { problems, accept } = useProblems();
  const create = useAction(SettingsCreateProduct, (data) => data.createProduct);
  const update = useAction(SettingsUpdateProduct, (data) => data.updateProduct);
  const action = product ? update : create;

  const submit = async () => {
    const code = draft.currency.trim().toUpperCase();
    const found: Record<string, string> = {};
    if (!draft.name.trim()) found.name = 'Enter a name.';
    if (!/^[A-Z]{3}$/.test(code)) found.currency = 'Enter a three-letter currency code, e.g. USD.';
    else {
      const problem = amountProblem(draft.amount, code, { allowZero: true });
      if (problem) found.amount = problem;
    }
    if (!accept(found)) return;
    const fields = {
      name: draft.name.trim(),
      price: { amount: draft.amount.trim(), currency: code },
      sku: draft.sku.trim() || null,
      description: draft.description.trim() || null,
      // An empty body means no delivery email (and removes one the product had).
      deliveryEmail: draft.deliveryBody.trim() ? { subject: draft.deliverySubject.trim() || null, body: draft.deliveryBody } : null,
    };
    const payload = product ? await update.run({ input: { productId: product.id, ...fields } }) : await create.run({ input: fields });
    if (payload) onSaved();
  };

  const errors = action.errors;
  return (
    <FormDialog
      title={product ? 'Edit product' : 'New product'}
      submitLabel={product ? 'Save product' : 'Create product'}
      action={action}
      fields={PRODUCT_FIELDS}
      onClose={onClose}
      onSubmit={submit}
    >
      <TextField label="Name" value={draft.name} onChange={(e) => set('name', e.target.value)} error={problems.name ?? errorFor(errors, 'name')} />
      <div className="form-grid">
        <TextField
          label="Price"
          inputMode="decimal"
          value={draft.amount}
          onChange={(e) => set('amount', e.target.value)}
          error={problems.amount ?? errorFor(errors, 'price.amount') ?? errorFor(errors, 'price')}
          hint="One unit, e.g. 49.00."
        />
        <TextField
          label="Currency"
          value={draft.currency}
          maxLength={3}
          autoCapitalize="characters"
          onChange={(e) => set('currency', e.target.value.toUpperCase())}
          error={problems.currency ?? errorFor(errors, 'price.currency')}
        />
      </div>
      <TextField label="SKU" value={draft.sku} onChange={(e) => set('sku', e.target.value)} error={errorFor(errors, 'sku')} hint="Optional; unique among active products." />
      <TextArea
        label="Description"
        value={draft.description}
        onChange={(e) => set('description', e.target.value)}
        error={errorFor(errors, 'description')}
        hint="Optional, for staff."
      />
      <fieldset className="settings-delivery">
        <legend>Delivery email</legend>
        <p className="muted">
          Sent to the buyer when a sale of this product is paid, logged sales included. Plain text with{' '}
          <code>{'{{ customer_name }}'}</code>, <code>{'{{ product_name }}'}</code>, <code>{'{{ quantity }}'}</code>, <code>{'{{ merchant_name }}'}</code> and{' '}
          <code>{'{{ transaction_id }}'}</code>.
        </p>
        <TextField
          label="Subject"
          value={draft.deliverySubject}
          onChange={(e) => set('deliverySubject', e.target.value)}
          error={errorFor(errors, 'deliveryEmail.subject')}
          hint="Optional; “Your {{ product_name }} from {{ merchant_name }}” when left empty."
        />
        <TextArea
          label="Body"
          rows={6}
          value={draft.deliveryBody}
          onChange={(e) => set('deliveryBody', e.target.value)}
          error={errorFor(errors, 'deliveryEmail.body')}
          hint="A download link, a licence key, membership instructions. Empty: no email."
        />
      </fieldset>
      {product ? <p className="muted">Saved offers and past sales keep the price they were made with.</p> : null}
    </FormDialog>
  );
}
