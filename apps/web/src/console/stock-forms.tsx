import { useId, useState } from 'react';
import { restock, transferStock } from '../api/admin-api';
import { ProblemError } from '../api/problem';
import type { Product } from '../api/types';
import { ProblemMessage } from '../ui/problem-message';

interface FormProps {
  token: string;
  products: readonly Product[];
  onDone: () => void;
}

function useSubmission() {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (work: () => Promise<string>) => {
    setBusy(true);
    setNotice('');
    setError(undefined);
    try {
      setNotice(await work());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, notice, error, submit };
}

export function RestockForm({ token, products, onDone }: FormProps) {
  const [sku, setSku] = useState(products[0]?.sku ?? '');
  const [quantity, setQuantity] = useState('10');
  const { busy, notice, error, submit } = useSubmission();
  const ids = { sku: useId(), quantity: useId() };
  return (
    <form
      className="card stock-form"
      aria-labelledby="restock-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit(async () => {
          const answer = await restock(token, sku, Number(quantity));
          onDone();
          return `Added ${quantity} units of ${sku}, split evenly across the regions (${answer.region ?? 'the serving region'} took the request); ${answer.data.stock.available} available in total.`;
        });
      }}
    >
      <h3 id="restock-title">Restock</h3>
      <p className="muted small">
        Units are split evenly across the regions' allotments: the serving region credits its share at once,
        every other region when the restock reaches it.
      </p>
      <div className="field">
        <label htmlFor={ids.sku}>Product</label>
        <select id={ids.sku} value={sku} onChange={(e) => setSku(e.target.value)}>
          {products.map((product) => (
            <option key={product.sku} value={product.sku}>
              {product.sku} — {product.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-narrow">
        <label htmlFor={ids.quantity}>Units</label>
        <input
          id={ids.quantity}
          type="number"
          min={1}
          max={1_000_000}
          required
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Restocking…' : 'Restock'}
      </button>
      <p className="notice" role="status">
        {notice}
      </p>
      {error ? <ProblemMessage error={error} action="Restocking" /> : null}
    </form>
  );
}

export function TransferForm({
  token,
  products,
  regions,
  onDone,
}: FormProps & { regions: readonly string[] }) {
  const [sku, setSku] = useState(products[0]?.sku ?? '');
  const [fromRegion, setFrom] = useState(regions[0] ?? '');
  const [toRegion, setTo] = useState(regions[1] ?? regions[0] ?? '');
  const [quantity, setQuantity] = useState('5');
  const { busy, notice, error, submit } = useSubmission();
  const ids = { sku: useId(), from: useId(), to: useId(), quantity: useId() };
  const notAvailable = error instanceof ProblemError && error.isNotAvailable;
  return (
    <form
      className="card stock-form"
      aria-labelledby="transfer-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit(async () => {
          await transferStock(token, sku, { fromRegion, toRegion, quantity: Number(quantity) });
          onDone();
          return `Transfer of ${quantity} units of ${sku} from ${fromRegion} to ${toRegion} requested.`;
        });
      }}
    >
      <h3 id="transfer-title">Transfer between regions</h3>
      <div className="field">
        <label htmlFor={ids.sku}>Product</label>
        <select id={ids.sku} value={sku} onChange={(e) => setSku(e.target.value)}>
          {products.map((product) => (
            <option key={product.sku} value={product.sku}>
              {product.sku} — {product.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <select id={ids.from} value={fromRegion} onChange={(e) => setFrom(e.target.value)}>
            {regions.map((region) => (
              <option key={region}>{region}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.to}>To</label>
          <select id={ids.to} value={toRegion} onChange={(e) => setTo(e.target.value)}>
            {regions.map((region) => (
              <option key={region}>{region}</option>
            ))}
          </select>
        </div>
        <div className="field field-narrow">
          <label htmlFor={ids.quantity}>Units</label>
          <input
            id={ids.quantity}
            type="number"
            min={1}
            required
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
          />
        </div>
      </div>
      <button
        type="submit"
        className="button"
        disabled={busy || regions.length < 2 || fromRegion === toRegion}
      >
        {busy ? 'Transferring…' : 'Transfer'}
      </button>
      {regions.length < 2 ? <p className="muted small">Transfers need at least two regions.</p> : null}
      <p className="notice" role="status">
        {notice}
      </p>
      {notAvailable ? (
        <p className="notice-muted">Transfers are not available from this API yet.</p>
      ) : error ? (
        <ProblemMessage error={error} action="Transferring" />
      ) : null}
    </form>
  );
}
