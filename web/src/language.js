// Which language the app speaks, and the switch that changes it (docs/i18n.md). Before anyone
// signs in: the one last chosen on this device, else the browser's. Once signed in: the one the
// user chose, kept on the server (PATCH /api/v1/me), so it follows them to another device.
// Changing it reloads the page: every cache of words (the server's vocabulary and taxonomy,
// the pages' own) starts again in the new language, and the assets come from the browser's
// cache, so on a slow link the reload costs only the API's replies.
import { api } from './api.js';
import { h } from './dom.js';
import { LANGUAGES, language, matchLanguage, setLanguage, t } from './i18n.js';

const DEVICE_KEY = 'bluehelm.language';

function remembered() {
  try {
    return localStorage.getItem(DEVICE_KEY);
  } catch (e) {
    return null; // storage refused (private mode, policy): the browser's language then
  }
}

function remember(code) {
  try {
    localStorage.setItem(DEVICE_KEY, code);
  } catch (e) {
    // Not kept on this device; the server keeps it for a signed-in user.
  }
}

const known = (code) => LANGUAGES.some((l) => l.code === code);

// The language to start in, before the session is known.
export function startLanguage() {
  const saved = remembered();
  if (saved && known(saved)) return setLanguage(saved);
  return setLanguage(matchLanguage(navigator.languages || [navigator.language]));
}

// Once the session is known: the user's own choice wins over the device's. Resolves true when
// the language changed (the caller fetches the server's words again).
export async function adoptUserLanguage(user) {
  const code = user && user.language;
  if (!code || !known(code) || code === language()) return false;
  remember(code);
  await setLanguage(code);
  return true;
}

// The switch: a select listing each language in its own name. `signedIn` says whether to keep
// the choice on the server too.
export function languageSwitch(signedIn) {
  const select = h(
    'select',
    {
      class: 'lang-switch',
      'aria-label': t('shell.language'),
      title: t('shell.language'),
      onchange: () => choose(select.value, signedIn, select),
    },
    LANGUAGES.map((l) =>
      h('option', { value: l.code, lang: l.code, selected: l.code === language() }, l.name),
    ),
  );
  return select;
}

async function choose(code, signedIn, select) {
  if (!known(code)) return;
  remember(code);
  if (signedIn) {
    select.disabled = true;
    try {
      await api('PATCH', '/api/v1/me', { language: code });
    } catch (e) {
      // The device keeps the choice; the next sign-in elsewhere starts in the browser's.
      console.warn(`the language could not be kept on the server: ${e.message}`);
    }
  }
  location.reload();
}
