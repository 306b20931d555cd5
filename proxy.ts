import { NextResponse, type NextRequest } from "next/server";
import { PATH_HEADER } from "@/lib/auth/path-header";

// Pages need a signed-in person. This only checks that a session cookie is there (cheap, on every
// navigation); the dashboard layout checks that the session is real. API routes check for
// themselves (lib/api/route.ts); here they only get their path checked.

const OPEN_PAGES = ["/sign-in", "/setup"];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (pathname.startsWith("/api/")) {
    // Next.js answers a path with broken percent-encoding (say "%E0%A4%A") with a bare 500 before
    // any route runs (vercel/next.js#92557); answer it as the bad request it is, in the API's shape.
    try {
      decodeURIComponent(pathname);
    } catch {
      return NextResponse.json({ error: { code: "invalid_path", message: "The URL path has broken percent-encoding." } }, { status: 400 });
    }
    return NextResponse.next();
  }
  if (OPEN_PAGES.some((page) => pathname === page || pathname.startsWith(`${page}/`))) return NextResponse.next();
  if (request.cookies.get("kura_session")?.value) {
    // Tell the page where it is, so an expired session can come back here after signing in.
    const forwarded = new Headers(request.headers);
    forwarded.set(PATH_HEADER, `${pathname}${search}`);
    return NextResponse.next({ request: { headers: forwarded } });
  }
  const signIn = new URL("/sign-in", request.url);
  signIn.searchParams.set("next", `${pathname}${search}`);
  return NextResponse.redirect(signIn);
}

// Next.js buffers the body of every request the proxy sees and hands the route only its first 10 MB, so the
// bundle upload (up to the import limits, streamed to disk) must not pass through here.
export const config = { matcher: ["/((?!_next/|favicon.ico|api/archives/import$|.*\\.(?:png|svg|ico|css|js|woff2?)$).*)"] };
