/** A Copy button for the text of an element on the page (see islands/CopyButton.tsx). */
import { Island } from "../islands/island.tsx";
import { CopyButton } from "../islands/CopyButton.tsx";

/** Copies the text of the element with id `target`; `what` names it ("Living room playlist URL"). */
export function Copy(props: { target: string; what: string }) {
  return (
    <Island
      name="CopyButton"
      component={CopyButton}
      props={{ target: props.target, what: props.what }}
    />
  );
}
