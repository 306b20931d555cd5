import { existsSync } from "node:fs";
import { AppError, conflict, notFound } from "@/lib/api/app-error";
import { db } from "@/lib/db";
import { forgetEngine } from "@/lib/docker/client";
import { pingEngine } from "@/lib/docker/ping-engine";
import type { EngineConnection } from "@/lib/docker/types";
import { env } from "@/lib/env";
import { recordEvent } from "@/lib/audit/record-event";
import { localEndpoint } from "./parse-endpoint";

export const LOCAL_ENGINE_ID = "local";

export type Engine = EngineConnection & { name: string; local: boolean; createdAt: string };
export type EngineView = Engine & { reachable: boolean; version: string | null; error?: string };

type EngineRow = {
  id: string;
  name: string;
  endpoint: string;
  tlsCa: string | null;
  tlsCert: string | null;
  tlsKey: string | null;
  createdAt: Date;
};

function toEngine(row: EngineRow): Engine {
  return { ...row, local: row.id === LOCAL_ENGINE_ID, createdAt: row.createdAt.toISOString() };
}

let localChecked = false;

/** The local engine is always registered, pointing where DOCKER_HOST (or the standard socket) says. */
async function ensureLocalEngine(): Promise<void> {
  if (localChecked) return;
  const endpoint = localEndpoint(env.DOCKER_HOST, existsSync);
  await db.engine.upsert({
    where: { id: LOCAL_ENGINE_ID },
    create: { id: LOCAL_ENGINE_ID, name: "local", endpoint },
    update: { endpoint },
  });
  localChecked = true;
}

export async function listEngines(): Promise<Engine[]> {
  await ensureLocalEngine();
  const rows = await db.engine.findMany({ orderBy: { createdAt: "asc" } });
  return rows.map(toEngine).sort((a, b) => Number(b.local) - Number(a.local));
}

export async function getEngine(engineId: string): Promise<Engine> {
  await ensureLocalEngine();
  const row = await db.engine.findUnique({ where: { id: engineId } });
  if (!row) throw notFound("engine_not_found", `No engine with id "${engineId}". GET /api/engines lists them.`);
  return toEngine(row);
}

export async function withStatus(engine: Engine): Promise<EngineView> {
  const status = await pingEngine(engine);
  return status.reachable
    ? { ...engine, reachable: true, version: status.version }
    : { ...engine, reachable: false, version: null, error: status.error };
}

export async function listEngineViews(): Promise<EngineView[]> {
  const engines = await listEngines();
  return Promise.all(engines.map(withStatus));
}

export type AddEngineInput = { name: string; endpoint: string; tlsCa?: string; tlsCert?: string; tlsKey?: string };

export async function addEngine(input: AddEngineInput, actor: string): Promise<EngineView> {
  await ensureLocalEngine();
  const existing = await db.engine.findFirst({ where: { OR: [{ name: input.name }, { endpoint: input.endpoint }] } });
  if (existing?.name === input.name) throw conflict("engine_name_taken", `An engine named "${input.name}" already exists.`);
  if (existing) throw conflict("engine_endpoint_taken", `The engine "${existing.name}" already uses ${input.endpoint}.`);
  const row = await db.engine.create({
    data: {
      name: input.name,
      endpoint: input.endpoint,
      tlsCa: input.tlsCa ?? null,
      tlsCert: input.tlsCert ?? null,
      tlsKey: input.tlsKey ?? null,
    },
  });
  const view = await withStatus(toEngine(row));
  await recordEvent({
    actor,
    action: "engine.add",
    target: `engine:${row.name}`,
    detail: { endpoint: row.endpoint, reachable: view.reachable },
  });
  return view;
}

export async function deleteEngine(engineId: string, actor: string): Promise<void> {
  const engine = await getEngine(engineId);
  if (engine.local)
    throw new AppError(409, "engine_is_local", "The local engine is always registered; set DOCKER_HOST to point it elsewhere.");
  await db.engine.delete({ where: { id: engineId } });
  forgetEngine(engineId);
  await recordEvent({ actor, action: "engine.delete", target: `engine:${engine.name}`, detail: { endpoint: engine.endpoint } });
}
