// Look-ups several pages share.
import { get } from '../api.js';

/** Parameters after '?' in the hash: #/keys?team_id=x. */
export function hashParams() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

/** Model group names (from /v1/models). */
export async function modelGroups() {
  try {
    const body = await get('/v1/models');
    return (body.data || []).map((m) => m.id);
  } catch {
    return [];
  }
}

/** Teams for a select, or null when this gateway has no /team/list. */
export async function teamOptions() {
  try {
    const body = await get('/team/list');
    return Array.isArray(body) ? body : body.teams || body.data || [];
  } catch {
    return null;
  }
}
