// GET|PUT /api/engines/{engineId}/containers/{containerRef}/selection: the person's ticks, kept across reloads
import { getSelection as getSelectionEntry, saveSelection as saveSelectionEntry } from "@/lib/api/contract/containers";
import { route } from "@/lib/api/route";
import { getSelection, saveSelection } from "@/lib/changes/selection-store";
import { inspectContainer } from "@/lib/docker/inspect-container";
import { getEngine } from "@/lib/engines/engine-registry";
import { getRuleSet } from "@/lib/rules/rule-set-store";

export const dynamic = "force-dynamic";

async function resolveContainer({ engineId, containerRef }: { engineId: string; containerRef: string }) {
  const engine = await getEngine(engineId);
  return { engine, container: await inspectContainer(engine, containerRef) };
}

export const GET = route(getSelectionEntry, async ({ params }) => {
  const { engine, container } = await resolveContainer(params);
  return getSelection(engine.id, container.id);
});

export const PUT = route(saveSelectionEntry, async ({ params, body, actor }) => {
  const { engine, container } = await resolveContainer(params);
  if (body.ruleSetId) await getRuleSet(body.ruleSetId);
  return saveSelection(engine.id, container.id, body, actor);
});
