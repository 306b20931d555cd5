"use client";
import { useQuery } from "@tanstack/react-query";
import type { UserView } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export function useUsers(initialData?: UserView[]) {
  return useQuery({ queryKey: queryKeys.users(), queryFn: () => fetchJson<UserView[]>("/api/users"), initialData });
}
