// Who is signed in, kept in memory only (a reload asks the server again with GET
// /api/v1/session; the session itself is an HttpOnly cookie).
import { setCsrfToken } from './api.js';
import { setReaderZone } from './i18n.js';

// `missions`: the missions the user works for (an endorser endorses their reports).
export const session = { user: null, expiresAt: '', missions: [] };

export function setSession(data) {
  session.user = (data && data.user) || null;
  session.expiresAt = (data && data.expires_at) || '';
  session.missions = (data && (data.missions || (data.user && data.user.missions))) || [];
  setCsrfToken(data && data.csrf_token);
  setReaderZone(session.user && session.user.time_zone);
}

export function clearSession() {
  session.user = null;
  session.expiresAt = '';
  session.missions = [];
  setCsrfToken('');
  setReaderZone('');
}

// Whether the signed-in user holds a permission ("org.write"). The server checks again on
// every request; this only decides what the app offers.
export function can(permission) {
  const perms = (session.user && session.user.permissions) || [];
  return perms.indexOf(permission) >= 0;
}
