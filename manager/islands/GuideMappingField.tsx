/**
 * Island: the guide mapping field of the channel page's override form. The mapping is picked
 * from the guide channel search (GuidePicker) and travels in two hidden fields, saved with the
 * rest of the form.
 */
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { GuidePicker } from "./GuidePicker.tsx";
import { Logo } from "./Logo.tsx";

/** The mapped guide channel as shown. */
export interface MappedChannel {
  epgId: string;
  channelId: string;
  /** null when the guide or the channel is no longer there */
  name: string | null;
  epgName: string | null;
  logo: string | null;
}

/** Props rendered by the server. */
export interface GuideMappingFieldProps extends Record<string, unknown> {
  channelName: string;
  mapped: MappedChannel | null;
}

/** The manual guide mapping: what it is, and buttons to choose another or remove it. */
export function GuideMappingField(props: GuideMappingFieldProps) {
  const mapped = useSignal<MappedChannel | null>(props.mapped);
  const open = useSignal(false);
  const button = useRef<HTMLButtonElement>(null);
  const m = mapped.value;
  return (
    <div>
      <span class="label" id="mapping-label">
        <strong>Guide mapping</strong>
      </span>
      <input type="hidden" name="epgId" value={m?.epgId ?? ""} />
      <input type="hidden" name="epgChannelId" value={m?.channelId ?? ""} />
      <div
        class="guide-cell"
        role="group"
        aria-labelledby="mapping-label"
        data-testid="guide-mapping"
      >
        {m
          ? (
            <>
              <Logo src={m.logo} name={m.name ?? m.channelId} size={28} />
              <span class="what">
                <span>{m.name ?? "A guide channel that is gone"}</span>
                <span class="hint">
                  <code>{m.channelId}</code> {m.epgName ? `in ${m.epgName}` : ""}
                </span>
              </span>
            </>
          )
          : <span class="what hint">None: the guide is found by tvg-id, then by name.</span>}
      </div>
      <div class="toolbar" style="margin-top:.4rem">
        <button
          ref={button}
          type="button"
          class="small secondary"
          onClick={() => open.value = true}
        >
          Choose guide channel
        </button>
        {m && (
          <button type="button" class="small secondary" onClick={() => mapped.value = null}>
            Remove mapping
          </button>
        )}
      </div>
      <div class="hint">Saved with the other overrides.</div>
      {open.value && (
        <GuidePicker
          channelName={props.channelName}
          current={m}
          onClose={() => {
            open.value = false;
            button.current?.focus();
          }}
          onPick={(g) => {
            open.value = false;
            mapped.value = g
              ? { epgId: g.epgId, channelId: g.id, name: g.name, epgName: g.epgName, logo: g.logo }
              : null;
            button.current?.focus();
          }}
        />
      )}
    </div>
  );
}
