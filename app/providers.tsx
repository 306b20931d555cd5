"use client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiError } from "@/lib/queries/fetch-json";

/** A session that ended (expired, signed out elsewhere, user disabled) sends the page to sign in again, and back here after. */
function onApiError(error: unknown) {
  if (!(error instanceof ApiError) || error.code !== "unauthenticated" || window.location.pathname === "/sign-in") return;
  window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onApiError }),
        mutationCache: new MutationCache({ onError: onApiError }),
        defaultOptions: {
          queries: {
            staleTime: 1000,
            retry: (failures, error) => !(error instanceof ApiError && (error.status === 401 || error.status === 403)) && failures < 1,
          },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
