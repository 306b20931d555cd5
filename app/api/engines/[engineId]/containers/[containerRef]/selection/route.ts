// GET|PUT /api/engines/{engineId}/containers/{containerRef}/selection: the person's ticks, kept across reloads
import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/route";
import { containerParams, selectionBody } from "@/lib/api/schemas";
import { inspectContainer } from "@/lib/docker/inspect-container";
import { getEngine } from "@/lib/engines/engine-registry";
import { getRuleSet } from "@/lib/rules/rule-set-store";
import { getSelection, saveSelection } from "@/lib/changes/selection-store";

export const dynamic = "force-dynamic";

async function resolveContainer(params: { engineId: string; containerRef: string }) {
  const { engineId, containerRef } = containerParams.parse(params);
  const engine = await getEngine(engineId);
  return { engine, container: await inspectContainer(engine, containerRef) };
}

export const GET = route<{ engineId: string; containerRef: string }>(async ({ params }) => {
  const { engine, container } = await resolveContainer(params);
  return NextResponse.json(await getSelection(engine.id, container.id));
});

export const PUT = route<{ engineId: string; containerRef: string }>(async ({ request, params, actor }) => {
  const { engine, container } = await resolveContainer(params);
  const body = await readJson(request, selectionBody);
  if (body.ruleSetId) await getRuleSet(body.ruleSetId);
  return NextResponse.json(await saveSelection(engine.id, container.id, body, actor));
});
