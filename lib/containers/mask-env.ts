// Environment variables whose names look secret have their values hidden. Pure.

export type EnvVar = { name: string; value: string; masked: boolean };

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|(^|_)KEY($|_)|APIKEY|PRIVATE|CREDENTIAL|(^|_)AUTH($|_)|_PASS$|^PASS$)/i;
export const MASK = "••••••";

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** ["NAME=value", ...] as Docker stores it -> name/value pairs with secret values masked. */
export function maskEnv(entries: readonly string[]): EnvVar[] {
  return entries.map((entry) => {
    const at = entry.indexOf("=");
    const name = at === -1 ? entry : entry.slice(0, at);
    const value = at === -1 ? "" : entry.slice(at + 1);
    const masked = isSecretName(name) && value !== "";
    return { name, value: masked ? MASK : value, masked };
  });
}
