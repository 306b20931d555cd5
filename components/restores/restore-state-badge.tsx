import { Badge, type Tone } from "@/components/ui/badge";

const tones: Record<string, Tone> = { running: "blue", succeeded: "green", failed: "red", cancelled: "amber" };

export function RestoreStateBadge({ state }: { state: string }) {
  return <Badge tone={tones[state] ?? "gray"}>{state}</Badge>;
}
