/** A channel logo, or a placeholder with the name's first letters while there is no logo. */

/** Initials of a name for the placeholder: "BBC One" → "BO", "日テレ" → "日テ". */
export function initials(name: string): string {
  // Tags like "[JP]" or "(HD)" say little about the channel: its words tell it apart.
  const words = name.replace(/\[[^\]]*\]|\([^)]*\)/g, " ").split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, "")).filter(Boolean);
  const chars = words.length > 1
    ? words.slice(0, 2).map((w) => [...w][0])
    : [...(words[0] ?? "")].slice(0, 2);
  return chars.join("").toUpperCase();
}

/** A logo (decorative: the name is always next to it). */
export function Logo(props: { src: string | null; name: string; size?: number }) {
  const size = props.size ?? 32;
  const style = `width:${size}px;height:${size}px`;
  if (props.src) {
    return (
      <img
        class="logo"
        src={props.src}
        alt=""
        width={size}
        height={size}
        loading="lazy"
        style={style}
      />
    );
  }
  return (
    <span class="logo placeholder" aria-hidden="true" style={`${style};font-size:${size * 0.36}px`}>
      {initials(props.name)}
    </span>
  );
}
