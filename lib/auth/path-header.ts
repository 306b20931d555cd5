/**
 * A request header carrying the requested path and query, for proxy.ts to set: a layout or page
 * cannot see its own URL, and needs one to send a visitor whose session ended to /sign-in?next=…
 * and back. Without it they still go to /sign-in, then to the overview.
 */
export const PATH_HEADER = "x-kura-path";
