// Moving between pages (hash routes). The router registers itself here, so pages can
// ask to be shown again without importing the app.

let router = () => {};

export function setRouter(fn) { router = fn; }

/** Shows `hash`, re-rendering when it is already the current page. */
export function go(hash) { if (location.hash === hash) router(); else location.hash = hash; }
