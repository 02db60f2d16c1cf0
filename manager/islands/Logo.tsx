/** A channel logo, or a placeholder with the name's first letters while there is no logo. */
import { useEffect, useRef, useState } from "preact/hooks";
import { initials } from "./channel_text.ts";

/** A logo (decorative: the name is always next to it). */
export function Logo(props: { src: string | null; name: string; size?: number }) {
  const size = props.size ?? 32;
  const style = `width:${size}px;height:${size}px`;
  // A logo host that is down or unreachable shows the placeholder, not a broken image.
  const [failed, setFailed] = useState(false);
  const img = useRef<HTMLImageElement>(null);
  // One that failed before the page's script ran (server-rendered) is found on hydration.
  useEffect(() => {
    const el = img.current;
    if (el && el.complete && el.naturalWidth === 0) setFailed(true);
  }, [props.src]);
  if (props.src && !failed) {
    return (
      <img
        ref={img}
        class="logo"
        src={props.src}
        alt=""
        width={size}
        height={size}
        loading="lazy"
        style={style}
        onError={() => setFailed(true)}
      />
    );
  }
  return (
    <span class="logo placeholder" aria-hidden="true" style={`${style};font-size:${size * 0.36}px`}>
      {initials(props.name)}
    </span>
  );
}
