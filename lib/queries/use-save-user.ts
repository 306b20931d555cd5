"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { CreateUserInput, UpdateUserInput, UserView } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";

export type SaveUserInput = { id: string; change: UpdateUserInput } | { id?: undefined; create: CreateUserInput };

/** Adds a user (no id) or changes one's role, password or disabled flag (with its id). */
export function useSaveUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SaveUserInput) =>
      input.id === undefined
        ? fetchJson<UserView>("/api/users", { method: "POST", body: JSON.stringify(input.create) })
        : fetchJson<UserView>(`/api/users/${encodeURIComponent(input.id)}`, { method: "PUT", body: JSON.stringify(input.change) }),
    onSuccess: (saved) => {
      queryClient.setQueryData<UserView[]>(queryKeys.users(), (users) =>
        users
          ? users.some((user) => user.id === saved.id)
            ? users.map((user) => (user.id === saved.id ? saved : user))
            : [...users, saved]
          : users,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.users() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.allAudit() });
    },
  });
}
