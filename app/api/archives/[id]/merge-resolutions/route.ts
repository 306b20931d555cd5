// PUT /api/archives/{id}/merge-resolutions: save a person's resolution of a configuration merge conflict
import { saveMergeResolution as saveMergeResolutionEntry } from "@/lib/api/contract/restores";
import { route } from "@/lib/api/route";
import { saveMergeResolution } from "@/lib/restores/merge-resolution-store";

export const dynamic = "force-dynamic";

export const PUT = route(saveMergeResolutionEntry, async ({ params, body, actor }) => saveMergeResolution(params.id, { ...body, actor }));
