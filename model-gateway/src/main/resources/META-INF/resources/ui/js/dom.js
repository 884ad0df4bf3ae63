// Tiny DOM helpers: every text goes through textContent, never innerHTML, so data cannot inject markup.

/** h('tag.class#id', {attrs, on: {click}}, ...children) */
export function h(spec, attrs, ...children) {
  const m = /^([a-z0-9]+)((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement(m ? m[1] : spec);
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [event, fn] of Object.entries(v)) el.addEventListener(event, fn);
    } else if (k === 'style') {
      Object.assign(el.style, v);
    } else if (k in el && typeof v !== 'string') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : v);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let fieldSeq = 0;

/** A labelled input: returns {row, input}. */
export function field(label, attrs = {}, hint) {
  const { tag, options, ...rest } = attrs;
  const id = rest.id || `f${++fieldSeq}`;
  const input = tag === 'select'
    ? h('select', { ...rest, id }, (options || []).map((o) => h('option', { value: o[0] }, o[1])))
    : h('input', { type: 'text', ...rest, id });
  const hintEl = hint ? h('small.hint', { id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return { row: h('div.field', h('label', { for: id }, label), input, hintEl), input };
}

/** A message for an empty or failed list, saying why and what to do. */
export function notice(kind, title, text) {
  return h(`div.notice.${kind}`, { role: kind === 'error' ? 'alert' : null }, h('strong', title), text ? h('p', text) : null);
}

export function table(columns, rows, { caption, onRow } = {}) {
  const head = h('tr', columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)));
  const body = rows.map((r) => {
    const tr = h('tr', columns.map((c) => h('td', { class: c.num ? 'num' : null }, c.cell ? c.cell(r) : r[c.key])));
    if (onRow) {
      tr.tabIndex = 0;
      tr.classList.add('clickable');
      tr.addEventListener('click', () => onRow(r, tr));
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onRow(r, tr);
        }
      });
    }
    return tr;
  });
  return h('div.table-wrap', h('table', caption ? h('caption', caption) : null, h('thead', head), h('tbody', body)));
}

export function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 4000);
}

/** A modal dialog (native <dialog>: focus trapped, Escape closes). Resolves true when confirmed. */
export function confirmDialog(title, text, confirmLabel) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' },
      h('h2#dialog-title', title), h('p', text),
      h('div.actions',
        h('button.secondary', { type: 'button', on: { click: () => dialog.close('cancel') } }, 'Cancel'),
        h('button.danger', { type: 'button', on: { click: () => dialog.close('ok') } }, confirmLabel)));
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'ok');
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
