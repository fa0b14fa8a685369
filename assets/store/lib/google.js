// Google sign-in with Google Identity Services: Google's own button, whose ID token
// lapak checks (POST /auth/google). Only when the shop has a client id.

import { api } from './api.js';

let loading = null;
function gis() {
  loading ||= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = 'https://accounts.google.com/gsi/client';
    s.async = true;
    s.onload = () => resolve(window.google);
    s.onerror = () => reject(new Error('Google sign-in could not load'));
    document.head.append(s);
  });
  return loading;
}

/** Draws Google's button into `box`; `done(tokens)` runs after lapak accepted the token. */
export async function googleButton(box, clientId, done, fail) {
  let google;
  try { google = await gis(); } catch (e) {
    // Google unreachable (or blocked): the password form still works.
    box.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: e.message }));
    return;
  }
  try {
    google.accounts.id.initialize({
      client_id: clientId,
      callback: async (response) => {
        try { done(await api('POST', '/auth/google', { id_token: response.credential })); } catch (e) { fail(e); }
      },
    });
    google.accounts.id.renderButton(box, { theme: 'outline', size: 'large', text: 'continue_with', width: 300 });
  } catch (e) { fail(e); }
}
