import { z } from "zod";
import { createUserBody, updateUserBody, userParams } from "@/lib/api/schemas";
import { userViewSchema } from "./auth";
import { defineEntry } from "./entry";

export const listUsers = defineEntry({
  method: "GET",
  path: "/api/users",
  access: "admin",
  summary: "Everyone who can sign in, with their role",
  status: 200,
  response: z.array(userViewSchema),
  errors: {},
});

export const createUser = defineEntry({
  method: "POST",
  path: "/api/users",
  access: "admin",
  summary: "Add a user (viewer, operator or admin)",
  body: createUserBody,
  status: 201,
  response: userViewSchema,
  errors: { 409: "name taken" },
});

export const updateUser = defineEntry({
  method: "PUT",
  path: "/api/users/{id}",
  access: "admin",
  summary: "Change a user's role, password or disabled flag",
  params: userParams,
  body: updateUserBody,
  status: 200,
  response: userViewSchema,
  errors: { 404: "unknown user", 409: "the last admin" },
});
