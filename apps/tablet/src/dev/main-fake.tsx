/**
 * The screens against the fake tablet, for `vite` dev and screenshots:
 * `?offline` starts offline, `?signedIn=S001-E01` skips the sign-in.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../App';
import { createFakeTablet } from './fake-tablet';

const params = new URLSearchParams(location.search);
const tablet = createFakeTablet({
  offline: params.has('offline'),
  ...(params.get('signedIn') ? { signedIn: params.get('signedIn')! } : {}),
});
Object.assign(window, { fakeTablet: tablet });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App tablet={tablet} />
  </StrictMode>,
);
