/** The head of a list table whose rows end in action buttons. */

/** A column heading; an `opt` column is hidden on a phone width. */
export interface Heading {
  head: string;
  opt?: boolean;
}

/**
 * `<thead>` with a cell a heading, then (unless `actions` is false) the actions column, named for
 * screen readers only: an empty heading cell is one axe-core reports.
 */
export function TableHead(props: { headings: Heading[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {props.headings.map((h) => <th key={h.head} class={h.opt ? "opt" : undefined}>{h.head}
        </th>)}
        {props.actions !== false && (
          <th>
            <span class="sr-only">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
