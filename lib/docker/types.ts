// The app's own view of engine objects. Nothing outside lib/docker sees a dockerode type.

export type EngineConnection = {
  id: string;
  endpoint: string;
  tlsCa?: string | null;
  tlsCert?: string | null;
  tlsKey?: string | null;
};

export type EngineStatus = { reachable: true; version: string; apiVersion: string; os: string } | { reachable: false; error: string };

export type ContainerState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export type ContainerSummary = {
  engineId: string;
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: ContainerState;
  status: string;
  createdAt: string;
  labels: Record<string, string>;
};

export type Mount = {
  type: "bind" | "volume" | "tmpfs" | "npipe" | "cluster" | "image";
  name: string | null;
  source: string;
  destination: string;
  readOnly: boolean;
};

export type ContainerInspection = {
  id: string;
  name: string;
  image: string;
  imageId: string;
  imageDigest: string | null;
  state: ContainerState;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  config: {
    cmd: string[] | null;
    entrypoint: string[] | null;
    env: string[];
    workingDir: string;
    user: string;
    exposedPorts: string[];
    labels: Record<string, string>;
    volumes: string[];
    hostname: string;
  };
  mounts: Mount[];
  /** Host paths the engine writes into the container (/etc/hosts, resolv.conf, hostname). */
  engineManagedFiles: string[];
};
