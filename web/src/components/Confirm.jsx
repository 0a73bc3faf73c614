// A button whose action happens only after an explicit confirmation in a modal dialog
// (native <dialog>: focus stays inside, Escape cancels). Optionally asks for a text first.
import { useRef, useState } from "preact/hooks";
import { errorText } from "../lib/format.js";

export function ConfirmButton({ label, title, message, confirmLabel = "Confirm", danger = false,
  ask, askRequired = true, onConfirm, disabled, class: className }) {
  const dialog = useRef(null);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  const open = () => {
    setError(null);
    setText("");
    dialog.current.showModal();
  };
  const submit = async (event) => {
    event.preventDefault();
    if (ask && askRequired && !text.trim()) {
      setError(new Error(`${ask} is required.`));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onConfirm(text.trim());
      dialog.current.close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const titleId = `confirm-${label.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <>
      <button type="button" class={className || (danger ? "danger" : "")} onClick={open}
        disabled={disabled}>{label}</button>
      <dialog ref={dialog} aria-labelledby={titleId}>
        <form onSubmit={submit}>
          <h2 id={titleId}>{title || label}</h2>
          <p>{message}</p>
          {ask && (
            <div class="field">
              <label for={`${titleId}-text`}>{ask}</label>
              <textarea id={`${titleId}-text`} value={text} maxLength={5000}
                onInput={(e) => setText(e.currentTarget.value)} />
            </div>
          )}
          {error && <p class="error" role="alert">{errorText(error)}</p>}
          <div class="actions">
            <button type="button" onClick={() => dialog.current.close()}>Cancel</button>
            <button type="submit" class={danger ? "danger" : "primary"} disabled={busy}>
              {busy ? "Working…" : confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
