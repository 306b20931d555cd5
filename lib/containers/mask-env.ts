// Environment variables whose names look secret have their values hidden, and a password written
// into a URL ("postgres://app:hunter2@db/app", in any variable) is hidden while the rest stays readable. Pure.

export type EnvVar = { name: string; value: string; masked: boolean };

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|(^|_)KEY($|_)|APIKEY|PRIVATE|CREDENTIAL|(^|_)AUTH($|_)|_PASS$|^PASS$)/i;
export const MASK = "••••••";
// Where a URL's authority ("user:password@host:port") ends.
const AUTHORITY_END = /[/?#\s]/;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * The value with the password of every "scheme://user:password@host" in it replaced by MASK. Scans
 * forward from each "://" once (no backtracking regex: values come from containers).
 */
export function maskUrlCredentials(value: string): string {
  let result = "";
  let copied = 0;
  let from = 0;
  for (;;) {
    const scheme = value.indexOf("://", from);
    if (scheme === -1) break;
    const start = scheme + 3;
    let end = start;
    while (end < value.length && !AUTHORITY_END.test(value[end] as string)) end++;
    const authority = value.slice(start, end);
    const at = authority.lastIndexOf("@");
    const colon = at === -1 ? -1 : authority.indexOf(":");
    if (colon !== -1 && colon < at - 1) {
      result += `${value.slice(copied, start + colon + 1)}${MASK}`;
      copied = start + at;
    }
    // An authority cut short by the "//" of a following URL ("a=x://u:p@h,b=y://…") ends 2 after its "://".
    from = Math.max(end - 2, start);
  }
  return result + value.slice(copied);
}

/** Whether the value holds a URL with a password in it. */
export function hasUrlCredentials(value: string): boolean {
  return maskUrlCredentials(value) !== value;
}

/** ["NAME=value", ...] as Docker stores it -> name/value pairs with secret values masked. */
export function maskEnv(entries: readonly string[]): EnvVar[] {
  return entries.map((entry) => {
    const at = entry.indexOf("=");
    const name = at === -1 ? entry : entry.slice(0, at);
    const value = at === -1 ? "" : entry.slice(at + 1);
    if (isSecretName(name) && value !== "") return { name, value: MASK, masked: true };
    const partly = maskUrlCredentials(value);
    return { name, value: partly, masked: partly !== value };
  });
}
