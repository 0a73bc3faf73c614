import { useEffect, useState, useCallback } from "preact/hooks";
import { realtime } from "./realtime.js";

export function useStore(store) {
  const [value, setValue] = useState(store.value);
  useEffect(() => {
    setValue(store.value);
    return store.subscribe(setValue);
  }, [store]);
  return value;
}

/** Load something async; returns {data, error, loading, reload, setData}. */
export function useLoad(loader, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const load = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loader().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => { live = false; };
  }, deps);
  useEffect(load, [load]);
  const setData = (data) => setState((s) => ({ ...s, data: typeof data === "function" ? data(s.data) : data }));
  return { ...state, reload: load, setData };
}

/** Run `refresh` after every (re)connection of the socket while the component is shown. No push
 * reaches a client while it is disconnected (nor between its first HTTP load and its first
 * connection), so each live view fetches its state again then: nothing stays stale. */
export function useOnReconnect(refresh, deps) {
  useEffect(() => realtime.on("connect", () => refresh()), deps);
}
