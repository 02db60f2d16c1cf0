/**
 * Island: a Copy button for the text of another element (an input, a <pre>, a <code>).
 *
 * `navigator.clipboard` exists only in a secure context (https, or http on localhost), and a
 * manager on a LAN is usually plain http at 192.168.x.y. There the button selects the text, so
 * the admin's next Ctrl+C copies it, and tries `document.execCommand("copy")`, which browsers
 * still honour in a click handler. The status line says which of the two happened.
 */
import { useSignal } from "@preact/signals";

/** Props: the id of the element whose text is copied, and what that text is (for the label). */
export interface CopyButtonProps extends Record<string, unknown> {
  target: string;
  what: string;
}

/** The text an element shows: an input's value, else its text. */
function textOf(el: HTMLElement): string {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement
    ? el.value
    : el.textContent ?? "";
}

/** Selects the element's whole text, as a user dragging over it would. */
function selectAll(el: HTMLElement): void {
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
    el.focus();
    el.setSelectionRange(0, el.value.length);
    return;
  }
  const selection = getSelection();
  selection?.removeAllRanges();
  selection?.selectAllChildren(el);
}

/** Copies with the Clipboard API where there is one; false when there is none or it refused. */
async function clipboardWrite(text: string): Promise<boolean> {
  if (!isSecureContext || !navigator.clipboard) return false;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Permission denied or the document lost focus: the selection fallback still works.
    return false;
  }
}

/** Copies by the selection: true when the browser says it did. */
function execCopy(): boolean {
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

/** The button and its status line (a live region, so screen readers hear the outcome). */
export function CopyButton(props: CopyButtonProps) {
  const status = useSignal("");
  const copy = async () => {
    const el = document.getElementById(props.target);
    if (!el) return;
    if (await clipboardWrite(textOf(el))) {
      status.value = "Copied";
      return;
    }
    selectAll(el);
    const mac = /Mac|iPhone|iPad/.test(navigator.platform);
    status.value = execCopy() ? "Copied" : `Selected: press ${mac ? "⌘" : "Ctrl"}+C to copy`;
  };
  return (
    <span class="copy-button">
      <button
        type="button"
        class="secondary small"
        // A title, not an aria-label: the name stays "Copy", so the field's own label (which
        // finds the field) is not also the name of its button.
        title={`Copy ${props.what}`}
        onClick={copy}
      >
        Copy
      </button>
      {/* aria-live rather than role=status: the page's notice stays its one status. */}
      <span class="copy-status" aria-live="polite">{status.value}</span>
    </span>
  );
}
