/** The till's state that the app core changes (cart, member, shift, ...), as screens read it. */
import { useSyncExternalStore } from 'react';
import { createStateStore, initialTillState, type TillState } from '@pos/app-core';

export const tillState = createStateStore<TillState>(initialTillState('CNY'));

/** A part of the till's state; the screen renders again when it changes. */
export function useTill<T>(select: (state: TillState) => T): T {
  return useSyncExternalStore(tillState.subscribe, () => select(tillState.get()));
}
