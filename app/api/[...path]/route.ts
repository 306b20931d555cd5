// Any other /api path: a JSON 404 in the API's error shape, not an HTML page
import { notFound } from "@/lib/api/app-error";
import { route } from "@/lib/api/route";

const unknownRoute = route(async ({ request }) => {
  throw notFound("route_not_found", `No API route ${request.method} ${new URL(request.url).pathname}. See /api/openapi.json.`);
}, { access: "public" });

export { unknownRoute as GET, unknownRoute as POST, unknownRoute as PUT, unknownRoute as DELETE, unknownRoute as PATCH };
