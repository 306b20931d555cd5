import type { ContainerFilter } from "@/lib/containers/list-all-containers";

// Every react-query key in one place, so mutations invalidate exactly what they change.
export const queryKeys = {
  engines: () => ["engines"] as const,
  containers: (filter: ContainerFilter = {}) => ["containers", filter] as const,
  allContainers: () => ["containers"] as const,
  container: (engineId: string, containerRef: string) => ["container", engineId, containerRef] as const,
};
