// A form in the page's one <dialog>.

import { h } from './dom.js';

/** A form in the dialog. fields: [{name, label, type, value, options, required}]. Resolves with the values or null. */
export function dialog(title, fields, submitLabel = 'Save') {
  const dlg = document.getElementById('dialog');
  const form = document.getElementById('dialog-form');
  form.replaceChildren(h('h2', {}, title), ...fields.map((f) => {
    let input;
    if (f.type === 'select') input = h('select', { name: f.name }, f.options.map((o) => h('option', { value: o, selected: String(f.value) === String(o) }, o)));
    else if (f.type === 'textarea') { input = h('textarea', { name: f.name }); input.value = f.value ?? ''; }
    else if (f.type === 'checkbox') input = h('input', { name: f.name, type: 'checkbox', checked: !!f.value });
    else input = h('input', { name: f.name, type: f.type || 'text', value: f.value ?? '', required: !!f.required, step: f.type === 'number' ? 'any' : null });
    return h('label', {}, f.label, input);
  }), h('div', { class: 'actions' }, h('button', { value: 'ok' }, submitLabel), h('button', { value: 'cancel', class: 'secondary', formnovalidate: true }, 'Cancel')));
  dlg.showModal();
  return new Promise((resolve) => {
    dlg.onclose = () => {
      if (dlg.returnValue !== 'ok') return resolve(null);
      const out = {};
      for (const f of fields) {
        const el = form.elements[f.name];
        if (f.type === 'checkbox') out[f.name] = el.checked;
        else if (f.type === 'number') out[f.name] = el.value === '' ? null : Number(el.value);
        else out[f.name] = el.value;
      }
      resolve(out);
    };
  });
}
