"use client";
import { Badge } from "@/components/ui/badge";
import { Banner } from "@/components/ui/banner";
import { formatDate } from "@/components/ui/format";
import { Field, Section } from "@/components/ui/section";
import type { ContainerDetail } from "@/lib/containers/get-container-detail";
import { useContainer } from "@/lib/queries/use-container";
import { StateBadge } from "./state-badge";

const none = <span className="text-slate-400">none</span>;

function argv(value: string[] | null) {
  return value && value.length ? <code className="font-mono text-xs">{JSON.stringify(value)}</code> : none;
}

export function ContainerDetailView({ initial }: { initial: ContainerDetail }) {
  const query = useContainer(initial.engineId, initial.id.slice(0, 12), initial);
  const detail = query.data ?? initial;
  return (
    <div className="space-y-4">
      {query.error ? <Banner tone="red">Could not refresh: {query.error.message}</Banner> : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <Section title="Summary" testId="container-summary">
          <dl>
            <Field label="State">
              <StateBadge state={detail.state} />
            </Field>
            <Field label="Engine">
              <Badge tone="violet">{detail.engineName}</Badge>
            </Field>
            <Field label="Image" testId="detail-image">
              <code className="font-mono text-xs">{detail.image}</code>
            </Field>
            <Field label="Image id">
              <code className="font-mono text-xs">{detail.imageId}</code>
            </Field>
            {detail.imageDigest ? (
              <Field label="Image digest">
                <code className="font-mono text-xs">{detail.imageDigest}</code>
              </Field>
            ) : null}
            <Field label="Created">{formatDate(detail.createdAt)}</Field>
            <Field label="Started">{formatDate(detail.startedAt)}</Field>
            <Field label="Operating system" testId="detail-os">
              {detail.os ? detail.os.prettyName : <span className="text-slate-500">unknown (no /etc/os-release)</span>}
            </Field>
            <Field label="Package manager" testId="detail-package-manager">
              {detail.packageManager ?? <span className="text-slate-500">no package manager</span>}
            </Field>
          </dl>
        </Section>
        <Section title="Command">
          <dl>
            <Field label="Command">{argv(detail.config.cmd)}</Field>
            <Field label="Entrypoint">{argv(detail.config.entrypoint)}</Field>
            <Field label="Working dir">{detail.config.workingDir || none}</Field>
            <Field label="User">{detail.config.user || <span className="text-slate-500">root (image default)</span>}</Field>
            <Field label="Exposed ports">{detail.config.exposedPorts.length ? detail.config.exposedPorts.join(", ") : none}</Field>
            <Field label="Declared volumes">{detail.config.volumes.length ? detail.config.volumes.join(", ") : none}</Field>
          </dl>
        </Section>
      </div>
      <Section title="Environment" testId="container-env">
        {detail.config.env.length === 0 ? (
          none
        ) : (
          <table className="w-full text-left text-xs">
            <tbody className="divide-y divide-slate-100">
              {detail.config.env.map((variable) => (
                <tr key={variable.name} data-testid="env-row" data-name={variable.name}>
                  <td className="w-1/3 py-1 pr-3 font-mono">{variable.name}</td>
                  <td className="py-1 font-mono" data-testid="env-value">
                    {variable.value}
                    {variable.masked ? (
                      <span className="ml-2">
                        <Badge tone="amber" title="The name looks secret, so Kura hides the value.">
                          hidden
                        </Badge>
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <div className="grid gap-4 lg:grid-cols-2">
        <Section title="Mounts and volumes" testId="container-mounts">
          {detail.mounts.length === 0 ? (
            <span className="text-slate-500">No volumes or bind mounts: all changes live in the container&apos;s writable layer.</span>
          ) : (
            <ul className="space-y-2">
              {detail.mounts.map((mount) => (
                <li key={mount.destination} className="text-xs">
                  <Badge tone={mount.type === "volume" ? "blue" : "gray"}>{mount.type}</Badge>{" "}
                  <code className="font-mono">{mount.destination}</code>
                  <span className="text-slate-500"> ← {mount.name ?? mount.source}</span>
                  {mount.readOnly ? <span className="ml-1 text-slate-500">(read-only)</span> : null}
                </li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Labels">
          {Object.keys(detail.config.labels).length === 0 ? (
            none
          ) : (
            <dl>
              {Object.entries(detail.config.labels).map(([key, value]) => (
                <Field key={key} label={key}>
                  <code className="font-mono text-xs">{value}</code>
                </Field>
              ))}
            </dl>
          )}
        </Section>
      </div>
    </div>
  );
}
