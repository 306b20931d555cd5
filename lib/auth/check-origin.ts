// Cross-site request forgery: a state-changing request that a browser sends with the session cookie
// must come from Kura's own pages. Browsers send Origin on every POST/PUT/DELETE made by fetch or a
// form, so a missing or foreign Origin is refused. Requests with an API token (Authorization:
// Bearer) carry no ambient credential and need no check for a missing Origin; a foreign one is
// refused on every state change, signed in or not (a cross-site form posting to sign-in). Pure.

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string): boolean {
  return SAFE.has(method.toUpperCase());
}

/** True when the request's Origin names the host it was sent to (the Host header, or X-Forwarded-Host behind a proxy). */
export function isSameOrigin(headers: { get(name: string): string | null }): boolean {
  const origin = headers.get("origin");
  if (!origin || origin === "null") return headers.get("sec-fetch-site") === "same-origin";
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const hosts = [headers.get("x-forwarded-host"), headers.get("host")]
    .filter((value): value is string => Boolean(value))
    .flatMap((value) => value.split(",").map((part) => part.trim()));
  return hosts.includes(originHost);
}

/** An Origin header is present and names another site ("null" counts as foreign unless the browser says same-origin). */
export function isForeignOrigin(headers: { get(name: string): string | null }): boolean {
  return headers.get("origin") !== null && !isSameOrigin(headers);
}
