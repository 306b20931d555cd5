import { Badge, type Tone } from "@/components/ui/badge";

const tones: Record<string, Tone> = {
  running: "green",
  exited: "gray",
  created: "blue",
  paused: "amber",
  restarting: "amber",
  dead: "red",
  removing: "amber",
};

export function StateBadge({ state }: { state: string }) {
  return <Badge tone={tones[state] ?? "gray"}>{state}</Badge>;
}
