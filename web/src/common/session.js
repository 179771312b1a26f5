// The signed-in session lives in sessionStorage (one browser tab = one session).
const TOKEN_KEY = 'sl.token';
const USER_KEY = 'sl.user';
const EXPIRES_KEY = 'sl.expires_at';

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function getUser() {
  try {
    return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null');
  } catch {
    return null;
  }
}

export function saveSession({ token, expires_at: expiresAt, user }) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(USER_KEY, JSON.stringify(user || null));
  if (expiresAt) sessionStorage.setItem(EXPIRES_KEY, String(expiresAt));
}

export function clearSession() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
  sessionStorage.removeItem(EXPIRES_KEY);
}

// Roles that start on the command big screen after signing in.
const SCREEN_ROLES = new Set(['commander', 'leader']);

export function homeFor(user) {
  return user && SCREEN_ROLES.has(user.role) ? 'screen.html' : 'console.html';
}

// Which roles may read what: a mirror of the server's policy table, used only
// to hide navigation a role could not open (the server stays the authority).
const READERS = {
  'stats.read': ['admin', 'commander', 'leader', 'supervisor', 'officer', 'legal_reviewer'],
  'org.read': ['admin', 'commander', 'officer', 'auxiliary', 'legal_reviewer', 'leader', 'supervisor'],
  'staff.read': ['admin', 'commander', 'officer', 'legal_reviewer', 'leader', 'supervisor'],
  'subjects.read': ['admin', 'commander', 'officer', 'auxiliary', 'legal_reviewer', 'leader', 'supervisor'],
  'audit.read': ['admin', 'supervisor'],
  'live.read': ['admin', 'commander', 'leader', 'supervisor', 'officer'],
  'parking.read': ['admin', 'commander', 'officer', 'leader', 'supervisor'],
  'evidence.read': ['admin', 'commander', 'officer', 'auxiliary', 'legal_reviewer', 'leader', 'supervisor', 'partner'],
  // Construction-waste trucks.
  'fleet.read': ['admin', 'commander', 'officer', 'leader', 'supervisor'],
  'fleet.write': ['admin', 'officer'],
  'fleet.alarm': ['admin', 'commander', 'officer'],
  'cases.read': ['admin', 'commander', 'officer', 'auxiliary', 'legal_reviewer', 'leader', 'supervisor'],
  'cases.stats': ['admin', 'commander', 'officer', 'legal_reviewer', 'leader', 'supervisor'],
  // Urban events
  'events.read': ['admin', 'commander', 'officer', 'auxiliary', 'leader', 'supervisor'],
  'events.stats': ['admin', 'commander', 'leader', 'supervisor'],
};

export function can(user, action) {
  return !!user && (READERS[action] || []).includes(user.role);
}

export function canReadAudit(user) {
  return can(user, 'audit.read');
}

// Sends the browser to the login page, remembering where it was.
export function toLogin(reason) {
  const here = location.pathname.replace(/^\//, '') + location.hash;
  const params = new URLSearchParams();
  if (here && !here.startsWith('index.html')) params.set('next', here);
  if (reason) params.set('reason', reason);
  const qs = params.toString();
  location.replace('index.html' + (qs ? '?' + qs : ''));
}

// For pages that need a session: returns the user, or redirects to login.
export function requireSession() {
  const token = getToken();
  const user = getUser();
  if (!token || !user) {
    toLogin();
    return null;
  }
  return user;
}
