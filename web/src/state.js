// Who is signed in, kept in memory only (a reload asks the server again with GET
// /api/v1/session; the session itself is an HttpOnly cookie).
import { setCsrfToken } from './api.js';

export const session = { user: null, expiresAt: '' };

export function setSession(data) {
  session.user = (data && data.user) || null;
  session.expiresAt = (data && data.expires_at) || '';
  setCsrfToken(data && data.csrf_token);
}

export function clearSession() {
  session.user = null;
  session.expiresAt = '';
  setCsrfToken('');
}

// Whether the signed-in user holds a permission ("org.write"). The server checks again on
// every request; this only decides what the app offers.
export function can(permission) {
  const perms = (session.user && session.user.permissions) || [];
  return perms.indexOf(permission) >= 0;
}
