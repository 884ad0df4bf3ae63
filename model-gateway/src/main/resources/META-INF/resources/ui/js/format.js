// Number, money and date formatting for the tables.

/**
 * Dollars: cents from $100 up, else up to 4 decimals (at least 2); below a cent two significant digits, written
 * out (never 1e-7), since a single call often costs a fraction of a cent.
 */
export function money(v) {
  if (v === null || v === undefined || v === '') return '';
  const n = Number(v);
  if (!Number.isFinite(n)) return String(v);
  const abs = Math.abs(n);
  if (abs === 0) return '$0.00';
  if (abs < 0.01) return '$' + n.toFixed(Math.min(20, 1 - Math.floor(Math.log10(abs))));
  return '$' + n.toFixed(abs >= 100 ? 2 : 4).replace(/(\.\d\d)(\d*?)0+$/, '$1$2');
}

export function int(v) {
  return v === null || v === undefined ? '' : Number(v).toLocaleString('en-US');
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

/** YYYY-MM-DD (UTC) of a date n days before today. */
export function daysAgo(n) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

/** Every UTC day from `from` to `to`, both YYYY-MM-DD, inclusive. */
export function daysBetween(from, to) {
  const out = [];
  const d = new Date(from + 'T00:00:00Z');
  const end = new Date(to + 'T00:00:00Z');
  for (let i = 0; d <= end && i < 400; i++) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

export function limits(o) {
  const parts = [];
  if (o.rpm_limit != null) parts.push(`${int(o.rpm_limit)} rpm`);
  if (o.tpm_limit != null) parts.push(`${int(o.tpm_limit)} tpm`);
  if (o.max_parallel_requests != null) parts.push(`${int(o.max_parallel_requests)} parallel`);
  return parts.join(', ') || 'none';
}
