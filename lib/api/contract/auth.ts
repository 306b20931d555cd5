import { z } from "zod";
import { changePasswordBody, setupBody, signInBody } from "@/lib/api/schemas";
import { ROLES } from "@/lib/auth/roles";
import { isoTime } from "./common";
import { defineEntry } from "./entry";

export const userViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  createdAt: isoTime,
});

export const sessionSchema = z.object({
  user: userViewSchema.nullable(),
  via: z.enum(["session", "token"]).nullable(),
  setupPending: z.boolean(),
});

export const signIn = defineEntry({
  method: "POST",
  path: "/api/auth/sign-in",
  access: "public",
  summary: "Sign in with name and password (JSON only; a foreign Origin is refused): sets the session cookie (httpOnly, SameSite=Lax)",
  body: signInBody,
  status: 200,
  response: z.object({ user: userViewSchema }),
  errors: { 401: "wrong name or password", 403: "from another site", 415: "not JSON", 429: "too many failures" },
});

export const signOut = defineEntry({
  method: "POST",
  path: "/api/auth/sign-out",
  access: "viewer",
  summary: "End this browser's session",
  status: 200,
  response: z.object({ ok: z.literal(true) }),
  errors: {},
});

export const getSession = defineEntry({
  method: "GET",
  path: "/api/auth/session",
  access: "public",
  summary: "Who is signed in (null when nobody) and whether the first admin is still to be created",
  status: 200,
  response: sessionSchema,
  errors: {},
});

export const changePassword = defineEntry({
  method: "PUT",
  path: "/api/auth/password",
  access: "viewer",
  summary: "Change your own password (from a signed-in browser session, not an API token); your other sessions end",
  body: changePasswordBody,
  status: 200,
  response: z.object({ changed: z.literal(true) }),
  errors: { 403: "wrong current password, or called with an API token" },
});

export const completeSetup = defineEntry({
  method: "POST",
  path: "/api/auth/setup",
  access: "public",
  summary: "Create the first admin with the one-time setup token printed at start (only while there are no users)",
  body: setupBody,
  status: 201,
  response: z.object({ user: userViewSchema }),
  errors: { 403: "wrong token, or from another site", 409: "already set up", 415: "not JSON" },
});
