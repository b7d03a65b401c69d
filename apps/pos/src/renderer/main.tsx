import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { boot } from './boot';
import { usePosStore } from './store';

const till = boot().catch((error: unknown) => {
  usePosStore.getState().setPhase({
    kind: 'failed',
    error: error instanceof Error ? error.message : String(error),
  });
  return null;
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App till={till} />
  </StrictMode>,
);
