// A form submit that calls the API: busy flag, error, and the answer (for the account pages).
import { useState } from "preact/hooks";

export function useSubmit(action) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const submit = async (event) => {
    if (event) event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setDone((await action()) || true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, submit, setDone, setError };
}

/** The ?token= of the page's address (mailed links carry one). */
export function tokenFromAddress() {
  return new URLSearchParams(window.location.search).get("token") || "";
}
