/**
 * Islands: a server-rendered component wrapped in a marker element that carries its name and
 * JSON props; /static/islands.js (bundled from client.tsx by `deno bundle`) hydrates it.
 *
 * The props travel in a `<script type="application/json">` (never run, so the CSP has nothing to
 * say about it) rather than in an attribute: escaped as an attribute, every quote costs six bytes,
 * and a channel page's props were half of its 220 KB.
 */
import type { FunctionComponent } from "preact";

/** Wraps a component so the client entry hydrates it. Props must be JSON-serialisable. */
export function Island<P extends Record<string, unknown>>(
  props: { name: string; component: FunctionComponent<P>; props: P },
) {
  const C = props.component;
  // "<" escaped: no "</script>" or "<!--" inside the element can end it early.
  const json = JSON.stringify(props.props).replace(/</g, "\\u003c");
  return (
    <div data-island={props.name}>
      <script
        type="application/json"
        data-island-props
        dangerouslySetInnerHTML={{ __html: json }}
      />
      <div data-island-root>
        <C {...props.props} />
      </div>
    </div>
  );
}
