/** A connection's current health, announced to listeners only when it changes. */
import type { DeviceHealth } from './device-status';
import { Listeners } from './listeners';

export class HealthTracker {
  readonly #listeners = new Listeners<DeviceHealth>();
  #current: DeviceHealth = { state: 'offline', message: 'not opened' };

  get current(): DeviceHealth {
    return this.#current;
  }

  onChange(callback: (health: DeviceHealth) => void): () => void {
    return this.#listeners.add(callback);
  }

  set(health: DeviceHealth): void {
    if (health.state === this.#current.state && health.message === this.#current.message) return;
    this.#current = health;
    this.#listeners.emit(health);
  }
}
