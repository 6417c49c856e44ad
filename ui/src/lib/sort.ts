// Sortable tables: the state every sortable column header shares.

export type SortDir = "asc" | "desc";

/** `aria-sort` of column `key` when the table is sorted by `sort`. */
export function ariaSort<K>(sort: { key: K; dir: SortDir }, key: K): "ascending" | "descending" | "none" {
  if (sort.key !== key) return "none";
  return sort.dir === "asc" ? "ascending" : "descending";
}
