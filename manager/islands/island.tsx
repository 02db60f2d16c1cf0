/**
 * Islands: a server-rendered component wrapped in a marker element that carries its name and
 * JSON props; /static/islands.js (bundled from client.tsx by `deno bundle`) hydrates it.
 */
import type { FunctionComponent } from "preact";

/** Wraps a component so the client entry hydrates it. Props must be JSON-serialisable. */
export function Island<P extends Record<string, unknown>>(
  props: { name: string; component: FunctionComponent<P>; props: P },
) {
  const C = props.component;
  return (
    <div data-island={props.name} data-props={JSON.stringify(props.props)}>
      <C {...props.props} />
    </div>
  );
}
