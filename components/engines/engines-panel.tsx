"use client";
import { useState, type FormEvent } from "react";
import { needsRole, useCan } from "@/components/session/use-session";
import { Badge } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { Button } from "@/components/ui/button";
import type { EngineView } from "@/lib/engines/engine-registry";
import { useAddEngine } from "@/lib/queries/use-add-engine";
import { useDeleteEngine } from "@/lib/queries/use-delete-engine";
import { useEngines } from "@/lib/queries/use-engines";
import { DataTable } from "@/components/ui/data-table";

const input = "w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm";

export function EnginesPanel({ initialEngines }: { initialEngines: EngineView[] }) {
  const engines = useEngines(initialEngines);
  const addEngine = useAddEngine();
  const deleteEngine = useDeleteEngine();
  const canManage = useCan("admin");
  const [name, setName] = useState("");
  const [endpoint, setEndpoint] = useState("");
  const [tls, setTls] = useState({ tlsCa: "", tlsCert: "", tlsKey: "" });

  function submit(event: FormEvent) {
    event.preventDefault();
    const tlsFiles = Object.fromEntries(Object.entries(tls).filter(([, value]) => value.trim()));
    addEngine.mutate(
      { name, endpoint, ...tlsFiles },
      {
        onSuccess: () => {
          setName("");
          setEndpoint("");
          setTls({ tlsCa: "", tlsCert: "", tlsKey: "" });
        },
      },
    );
  }

  return (
    <div className="space-y-6">
      <DataTable columns={[{ label: "Name" }, { label: "Endpoint" }, { label: "Status" }, {}]}>
        {(engines.data ?? []).map((engine) => (
          <tr key={engine.id} data-testid="engine-row" data-name={engine.name}>
            <td className="px-4 py-2 font-medium">
              {engine.name} {engine.local ? <Badge>local</Badge> : null}
            </td>
            <td className="px-4 py-2 font-mono text-xs">{engine.endpoint}</td>
            <td className="px-4 py-2" data-testid="engine-status">
              {engine.reachable ? <Badge tone="green">reachable · Docker {engine.version}</Badge> : <Badge tone="red">unreachable</Badge>}
              {engine.error ? <div className="mt-1 text-xs text-red-700">{engine.error}</div> : null}
            </td>
            <td className="px-4 py-2 text-right">
              {engine.local ? null : (
                <Button
                  variant="danger"
                  disabled={deleteEngine.isPending || !canManage}
                  title={canManage ? undefined : needsRole("admin", "Removing an engine")}
                  onClick={() => deleteEngine.mutate(engine.id)}
                >
                  Remove
                </Button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {deleteEngine.error ? <Banner tone="red">{deleteEngine.error.message}</Banner> : null}

      {canManage ? (
        <form onSubmit={submit} className="max-w-xl space-y-3 rounded-lg border border-slate-200 bg-white p-4" aria-label="Add an engine">
          <h2 className="text-sm font-semibold">Add an engine</h2>
          <label className="block text-sm">
            <span className="mb-1 block text-slate-600">Name</span>
            <input className={input} value={name} onChange={(event) => setName(event.target.value)} placeholder="build-server" required />
          </label>
          <label className="block text-sm">
            <span className="mb-1 block text-slate-600">Endpoint</span>
            <input
              className={`${input} font-mono`}
              value={endpoint}
              onChange={(event) => setEndpoint(event.target.value)}
              placeholder="unix:///var/run/docker.sock"
              required
            />
            <span className="mt-1 block text-xs text-slate-500">
              unix:///path/to/docker.sock, tcp://host:2376 (with TLS files below) or ssh://user@host (uses the SSH agent of the Kura
              server).
            </span>
          </label>
          <details className="text-sm">
            <summary className="cursor-pointer text-slate-600">TLS files for tcp:// (paths on the Kura server)</summary>
            <div className="mt-2 space-y-2">
              {(["tlsCa", "tlsCert", "tlsKey"] as const).map((key) => (
                <label key={key} className="block">
                  <span className="mb-1 block text-xs text-slate-600">
                    {{ tlsCa: "CA certificate", tlsCert: "Client certificate", tlsKey: "Client key" }[key]}
                  </span>
                  <input
                    className={`${input} font-mono`}
                    value={tls[key]}
                    onChange={(event) => setTls({ ...tls, [key]: event.target.value })}
                    placeholder={`/etc/kura/${key === "tlsCa" ? "ca" : key === "tlsCert" ? "cert" : "key"}.pem`}
                  />
                </label>
              ))}
            </div>
          </details>
          {addEngine.error ? <Banner tone="red">{addEngine.error.message}</Banner> : null}
          <Button type="submit" disabled={addEngine.isPending}>
            {addEngine.isPending ? "Adding…" : "Add engine"}
          </Button>
        </form>
      ) : (
        <p className="text-sm text-slate-500" data-testid="engines-read-only">
          {needsRole("admin", "Adding or removing engines")}
        </p>
      )}
    </div>
  );
}
