/** The filter of the channel list, shared by its table and the bulk forms that act on it. */

/** The filter fields (query string of /admin/channels). */
export interface FilterView {
  playlistId: string;
  groupId: string;
  enabled: string;
  q: string;
  /** "" any, "none" without guide data, "some" with it */
  guide: string;
}

/** The filter as hidden inputs, so a bulk form posts what it applies to. */
export function FilterFields(props: { filter: FilterView }) {
  const f = props.filter;
  return (
    <>
      <input type="hidden" name="q" value={f.q} />
      <input type="hidden" name="playlistId" value={f.playlistId} />
      <input type="hidden" name="groupId" value={f.groupId} />
      <input type="hidden" name="enabled" value={f.enabled} />
      <input type="hidden" name="guide" value={f.guide} />
    </>
  );
}
