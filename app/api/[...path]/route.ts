// Any other /api path: a JSON 404 in the API's error shape, not an HTML page (not an operation, so not in the contract)
import { notFound } from "@/lib/api/app-error";
import { fallbackRoute } from "@/lib/api/route";

const unknownRoute = fallbackRoute(async (request) => {
  throw notFound("route_not_found", `No API route ${request.method} ${new URL(request.url).pathname}. See /api/openapi.json.`);
});

export { unknownRoute as GET, unknownRoute as POST, unknownRoute as PUT, unknownRoute as DELETE, unknownRoute as PATCH };
