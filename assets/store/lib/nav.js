// Moving to another storefront page without reloading (app.js redraws on popstate).
export function navigate(path) {
  history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
