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
import { Confirm } from '../ui/Confirm';
import { Dialog } from '../ui/Dialog';
import { errorFor, unplaced } from '../ui/errors';
import { CheckboxField, TextArea, TextField } from '../ui/Field';
import { amountProblem } from '../ui/money';
import { Empty, FormErrors, Loading, QueryError } from '../ui/States';
import { useAction } from '../ui/useAction';

const SettingsProductsQueryDoc = graphql(`
  query SettingsProducts($includeArchived: Boolean!) {
    products(includeArchived: $includeArchived) {
      id
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
    }
  }
`);

const SettingsCreateProduct = graphql(`
  mutation SettingsCreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      product {
        id
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
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const SettingsUpdateProduct = graphql(`
  mutation SettingsUpdateProduct($input: UpdateProductInput!) {
    updateProduct(input: $input) {
      product {
        id
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
      }
      userErrors {
        field
        code
        message
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
        field
        code
        message
      }
    }
  }
`);

type Product = SettingsProductsQuery['products'][number];

export function ProductsSettings() {
  const [includeArchived, setIncludeArchived] = useState(false);
  const [{ data, error, fetching }, reexecute] = useQuery({ query: SettingsProductsQueryDoc, variables: { includeArchived } });
  const [editing, setEditing] = useState<Product | 'new' | null>(null);
  const [archiving, setArchiving] = useState<Product | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const products = data?.products ?? [];
  return (
    <section className="section" aria-labelledby="settings-products-title">
      <div className="section-header">
        <h2 id="settings-products-title">Products</h2>
        <Button variant="primary" onClick={() => setEditing('new')}>
          New product
        </Button>
      </div>
      <div className="toolbar">
        <CheckboxField label="Show archived products" checked={includeArchived} onChange={(e) => setIncludeArchived(e.target.checked)} />
      </div>
      {error ? <QueryError error={error} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && !products.length ? <Empty>{includeArchived ? 'No products yet.' : 'No active products. Add one with “New product”.'}</Empty> : null}
      {products.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Price
                </th>
                <th scope="col">SKU</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="settings-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {products.map((product) => (
                <tr key={product.id}>
                  <td>
                    {product.name}
                    {product.description ? <div className="muted hide-narrow">{product.description}</div> : null}
                  </td>
                  <td className="num">{product.price.formatted}</td>
                  <td className="mono settings-nowrap">{product.sku ?? '—'}</td>
                  <td>{product.archived ? <span className="badge badge-neutral">Archived</span> : <span className="badge badge-good">Active</span>}</td>
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
            </tbody>
          </table>
        </div>
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
        <ArchiveProduct
          product={archiving}
          onClose={() => setArchiving(null)}
          onArchived={() => {
            setArchiving(null);
            refresh();
          }}
        />
      ) : null}
    </section>
  );
}

const PRODUCT_FIELDS = ['name', 'price', 'price.amount', 'price.currency', 'sku', 'description'];

/** "New product" when `product` is null, else "Edit product". */
function ProductDialog({ product, onClose, onSaved }: { product: Product | null; onClose: () => void; onSaved: () => void }) {
  const viewer = useViewer();
  const [name, setName] = useState(product?.name ?? '');
  const [amount, setAmount] = useState(product?.price.amount ?? '');
  const [currency, setCurrency] = useState(product?.price.currency ?? viewer.defaultCurrency);
  const [sku, setSku] = useState(product?.sku ?? '');
  const [description, setDescription] = useState(product?.description ?? '');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const create = useAction(SettingsCreateProduct, (data) => data.createProduct);
  const update = useAction(SettingsUpdateProduct, (data) => data.updateProduct);
  const action = product ? update : create;

  const submit = async () => {
    const code = currency.trim().toUpperCase();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = 'Enter a name.';
    if (!/^[A-Z]{3}$/.test(code)) found.currency = 'Enter a three-letter currency code, e.g. USD.';
    else {
      const problem = amountProblem(amount, code, { allowZero: true });
      if (problem) found.amount = problem;
    }
    setProblems(found);
    if (Object.keys(found).length) return;
    const fields = {
      name: name.trim(),
      price: { amount: amount.trim(), currency: code },
      sku: sku.trim() || null,
      description: description.trim() || null,
    };
    const payload = product ? await update.run({ input: { productId: product.id, ...fields } }) : await create.run({ input: fields });
    if (payload) onSaved();
  };

  const errors = action.errors;
  return (
    <Dialog
      title={product ? 'Edit product' : 'New product'}
      open
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={action.busy}>
            {product ? 'Save product' : 'Create product'}
          </Button>
        </>
      }
    >
      <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={problems.name ?? errorFor(errors, 'name')} />
      <div className="form-grid">
        <TextField
          label="Price"
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          error={problems.amount ?? errorFor(errors, 'price.amount') ?? errorFor(errors, 'price')}
          hint="One unit, e.g. 49.00."
        />
        <TextField
          label="Currency"
          value={currency}
          maxLength={3}
          autoCapitalize="characters"
          onChange={(e) => setCurrency(e.target.value.toUpperCase())}
          error={problems.currency ?? errorFor(errors, 'price.currency')}
        />
      </div>
      <TextField label="SKU" value={sku} onChange={(e) => setSku(e.target.value)} error={errorFor(errors, 'sku')} hint="Optional; unique among active products." />
      <TextArea label="Description" value={description} onChange={(e) => setDescription(e.target.value)} error={errorFor(errors, 'description')} hint="Optional, for staff." />
      {product ? <p className="muted">Saved offers and past sales keep the price they were made with.</p> : null}
      <FormErrors errors={unplaced(errors, PRODUCT_FIELDS)} failure={action.failure} />
    </Dialog>
  );
}

function ArchiveProduct({ product, onClose, onArchived }: { product: Product; onClose: () => void; onArchived: () => void }) {
  const action = useAction(SettingsArchiveProduct, (data) => data.archiveProduct);
  return (
    <Confirm
      title="Archive product"
      open
      onClose={onClose}
      onConfirm={() => void action.run({ input: { productId: product.id } }).then((payload) => payload && onArchived())}
      confirmLabel="Archive product"
      busy={action.busy}
      danger
      errors={action.errors}
      failure={action.failure}
    >
      <p>
        <strong>{product.name}</strong> leaves the product pickers. Saved offers and past sales that use it keep working.
      </p>
    </Confirm>
  );
}
