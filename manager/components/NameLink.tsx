/** A record's name as a link to its page, marked when the record is disabled. */
export function NameLink(props: { href: string; name: string; enabled: boolean }) {
  return (
    <>
      <a href={props.href}>{props.name}</a>
      {!props.enabled && (
        <>
          {" "}
          <span class="badge off">disabled</span>
        </>
      )}
    </>
  );
}
