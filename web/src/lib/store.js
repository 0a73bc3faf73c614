// A minimal observable value; components subscribe with useStore (lib/hooks.js).
export class Store {
  constructor(value) {
    this.value = value;
    this.listeners = new Set();
  }
  set(value) {
    this.value = value;
    for (const listener of [...this.listeners]) listener(value);
  }
  update(change) {
    this.set(change(this.value));
  }
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
