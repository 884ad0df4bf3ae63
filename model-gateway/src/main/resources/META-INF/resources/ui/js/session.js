// The master key for this tab: sessionStorage by default, localStorage only when "remember me" was ticked.
// Never put in a URL, a cookie or a log.
const NAME = 'mpc-gateway-admin-key';

export function savedKey() {
  return sessionStorage.getItem(NAME) || localStorage.getItem(NAME);
}

export function saveKey(key, remember) {
  sessionStorage.setItem(NAME, key);
  if (remember) {
    localStorage.setItem(NAME, key);
  } else {
    localStorage.removeItem(NAME);
  }
}

export function forgetKey() {
  sessionStorage.removeItem(NAME);
  localStorage.removeItem(NAME);
}
