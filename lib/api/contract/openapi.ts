import { z } from "zod";
import { defineEntry } from "./entry";

export const getOpenApi = defineEntry({
  method: "GET",
  path: "/api/openapi.json",
  access: "viewer",
  summary: "This description, generated from the route contract",
  status: 200,
  response: z.record(z.string(), z.unknown()).describe("an OpenAPI 3.1 document"),
  errors: {},
});
