/**
 * A typed set of callbacks. A listener that throws does not stop the others
 * or the driver that emits; its error goes to `onListenerError`.
 */
export class Listeners<T> {
  readonly #callbacks = new Set<(value: T) => void>();

  constructor(
    private readonly onListenerError: (error: unknown) => void = (error) =>
      console.error('listener failed:', error),
  ) {}

  /** Adds a callback; returns the function that removes it. */
  add(callback: (value: T) => void): () => void {
    this.#callbacks.add(callback);
    return () => this.#callbacks.delete(callback);
  }

  emit(value: T): void {
    for (const callback of [...this.#callbacks]) {
      try {
        callback(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.#callbacks.clear();
  }
}
