// CSV (RFC 4180) of the rows shown, downloaded as a file. A cell starting with = + - @ is prefixed with '
// so a spreadsheet never runs it as a formula.

function cell(v) {
  let s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function toCsv(columns, rows) {
  const lines = [columns.map((c) => cell(c.label)).join(',')];
  for (const r of rows) {
    lines.push(columns.map((c) => cell(c.csv ? c.csv(r) : r[c.key])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
