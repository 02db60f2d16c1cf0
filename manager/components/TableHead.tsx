/** The head of a list table whose rows end in action buttons. */

/** A column heading; an `opt` column is hidden on a phone width. */
export interface Heading {
  head: string;
  opt?: boolean;
}

/** `<thead>` with a cell a heading, then the actions column, named for screen readers only. */
export function TableHead(props: { headings: Heading[] }) {
  return (
    <thead>
      <tr>
        {props.headings.map((h) => <th key={h.head} class={h.opt ? "opt" : undefined}>{h.head}
        </th>)}
        <th>
          <span class="sr-only">Actions</span>
        </th>
      </tr>
    </thead>
  );
}
