"use client";
import { useQueries, type UseQueryResult } from "@tanstack/react-query";
import { useCallback } from "react";
import type { ChangeFolderPage } from "./api-types";
import { fetchJson } from "./fetch-json";
import { queryKeys } from "./keys";
import { changesUrl, type ChangesOptions } from "./use-changes-summary";

/** Children per page of GET .../changes/folder. */
export const FOLDER_PAGE_SIZE = 500;

export type FolderFilterParams = Record<string, string>;

/** The pages of open folders the tree needs (`wanted`: "path\npage"), by that same key. */
export function useChangeFolders(
  engineId: string,
  containerRef: string,
  options: ChangesOptions,
  filter: FolderFilterParams,
  wanted: readonly string[],
): Map<string, ChangeFolderPage> {
  const filterKey = JSON.stringify(filter);
  // A stable `combine` keeps the same Map while no page changed (the tree's rows are memoised on it).
  const combine = useCallback(
    (results: UseQueryResult<ChangeFolderPage>[]) => {
      const pages = new Map<string, ChangeFolderPage>();
      results.forEach((result, index) => {
        if (result.data) pages.set(wanted[index]!, result.data);
      });
      return pages;
    },
    [wanted],
  );
  return useQueries({
    queries: wanted.map((want) => {
      const [path, page] = splitWanted(want);
      return {
        queryKey: queryKeys.changeFolder(engineId, containerRef, options, filterKey, path, page),
        queryFn: () =>
          fetchJson<ChangeFolderPage>(
            changesUrl(engineId, containerRef, "/folder", options, {
              ...filter,
              path,
              offset: String(page * FOLDER_PAGE_SIZE),
              limit: String(FOLDER_PAGE_SIZE),
            }),
          ),
        staleTime: Infinity,
        refetchOnWindowFocus: false,
      };
    }),
    combine,
  });
}

export function wantedKey(path: string, page: number): string {
  return `${path}\n${page}`;
}

function splitWanted(want: string): [string, number] {
  const cut = want.lastIndexOf("\n");
  return [want.slice(0, cut), Number(want.slice(cut + 1))];
}
