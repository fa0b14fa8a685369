// Forms and confirmations in the page's one <dialog>. A form whose `submit` is refused
// stays open with its input, the message next to the field lapak names (or on top);
// Cancel and Esc resolve null, and callers report nothing then.

import { h } from './dom.js';

function input(f) {
  const opts = (f.options || []).map((o) => (typeof o === 'object' ? o : { value: o, label: o }));
  if (f.type === 'select') return h('select', { name: f.name }, opts.map((o) => h('option', { value: o.value, selected: String(f.value ?? '') === String(o.value) }, o.label)));
  if (f.type === 'textarea') { const t = h('textarea', { name: f.name, rows: f.rows || 4 }); t.value = f.value ?? ''; return t; }
  if (f.type === 'checkbox') return h('input', { name: f.name, type: 'checkbox', checked: !!f.value });
  return h('input', { name: f.name, type: f.type || 'text', value: f.value ?? '', required: !!f.required, min: f.min, max: f.max,
    step: f.type === 'number' ? (f.step || 'any') : null, placeholder: f.placeholder, inputmode: f.inputmode });
}

function read(form, fields) {
  const out = {};
  for (const f of fields) {
    const el = form.elements[f.name];
    if (f.type === 'checkbox') out[f.name] = el.checked;
    else if (f.type === 'number') out[f.name] = el.value === '' ? null : Number(el.value);
    else out[f.name] = el.value;
  }
  return out;
}

/**
 * A form in the dialog. fields: [{name, label, type, value, options, required, hint}].
 * opts: { submitLabel, danger, intro, submit: async (values) => result }.
 * Resolves with submit's result (the values when there is no submit), or null on cancel.
 */
export function dialog(title, fields, opts = {}) {
  if (typeof opts === 'string') opts = { submitLabel: opts };
  const dlg = document.getElementById('dialog');
  const form = document.getElementById('dialog-form');
  const top = h('p', { class: 'error', role: 'alert', id: 'dialog-error' });
  const ok = h('button', { type: 'submit', value: 'ok', class: opts.danger ? 'danger' : null }, opts.submitLabel || 'Save');
  const cancel = h('button', { type: 'button', value: 'cancel', class: 'secondary' }, 'Cancel');
  form.replaceChildren(...[h('h2', {}, title),
    opts.intro ? h('div', { class: 'intro' }, opts.intro) : null, top,
    ...fields.map((f) => h('label', { class: f.type === 'checkbox' ? 'check' : null }, f.type === 'checkbox' ? [input(f), f.label] : [f.label, input(f)],
      f.hint ? h('small', { class: 'muted' }, f.hint) : null, h('small', { class: 'field-error', 'data-field': f.name }))),
    h('div', { class: 'actions' }, ok, cancel)].filter(Boolean));
  dlg.showModal();
  const first = form.querySelector('input:not([type=checkbox]), select, textarea');
  if (first) first.focus(); else ok.focus();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (v) => { if (settled) return; settled = true; if (dlg.open) dlg.close(); resolve(v); };
    cancel.onclick = () => finish(null);
    dlg.oncancel = (e) => { e.preventDefault(); finish(null); };
    dlg.onclose = () => finish(null);
    form.onsubmit = async (e) => {
      e.preventDefault();
      if (!form.reportValidity()) return;
      const values = read(form, fields);
      if (!opts.submit) return finish(values);
      top.textContent = '';
      for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
      ok.disabled = true; ok.classList.add('busy');
      try { finish(await opts.submit(values)); }
      catch (err) {
        const field = err.body?.field;
        const slot = field && [...form.querySelectorAll('.field-error')].find((el) => field === el.dataset.field || field.startsWith(el.dataset.field + '.'));
        if (slot) { slot.textContent = err.message; form.elements[slot.dataset.field]?.focus?.(); }
        else top.textContent = (field ? field + ': ' : '') + err.message;
      } finally { ok.disabled = false; ok.classList.remove('busy'); }
    };
  });
}

/** Asks before an action; `message` says what will happen. Resolves true, or null on cancel. */
export async function confirm(title, message, { confirmLabel = 'Confirm', danger = true } = {}) {
  const v = await dialog(title, [], { intro: message, submitLabel: confirmLabel, danger });
  return v === null ? null : true;
}
