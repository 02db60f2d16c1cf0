/** Upstream guides (XMLTV): a source of programmes with its last import and live progress. */
import { Epg, EpgImportRun, EpgInput } from "../../common/xmltv/schemas.ts";
import { GuideImportProgress, type GuideRunView } from "../islands/GuideImportProgress.tsx";
import { Island } from "../islands/island.tsx";
import { defineSource } from "../resources/source.tsx";
import { GUIDE_SOURCE } from "../services/sources.ts";

/** The few fields of a run the progress island needs (its props travel in the page). */
function runView(r: EpgImportRun): GuideRunView {
  const { id, status, bytes, totalBytes, durationMs, finishedAt, error, counts } = r;
  const warnings = r.warnings.slice(0, 20);
  return { id, status, bytes, totalBytes, durationMs, finishedAt, error, counts, warnings };
}

const View = Epg.extend({ lastImport: EpgImportRun.nullable() }).openapi("EpgView");

/** The guide resource. */
export const epgResource = defineSource({
  source: GUIDE_SOURCE,
  noun: "Guide",
  apiNoun: "guide",
  path: "epgs",
  input: EpgInput,
  titles: {
    list: "Upstream guides",
    add: "Add guide",
    empty: "No guides yet.",
    new: "New upstream guide",
    edit: (name) => `Edit guide ${name}`,
  },
  urlHint: "An http(s) address of the XMLTV guide (plain or gzip). Leave empty for a local file.",
  pathHint: (deps) => `A file inside DATA_DIR (${deps.config.dataDir}), e.g. imports/guide.xml.gz.`,
  rowData: (g) => ({ epg: g.name }),
  nameNote: (g) => (
    <div class="hint">Whole guide: /manager/get/epg/{encodeURIComponent(g.name)}?token=…</div>
  ),
  progressHead: "Last import",
  progress: (g, deps) => (
    <Island
      name="GuideImportProgress"
      component={GuideImportProgress}
      props={{
        apiUrl: `/api/v1/epgs/${g.id}`,
        run: g.lastImport && runView(g.lastImport),
        timeZone: deps.config.timeZone,
      }}
    />
  ),
  api: { path: "/epgs", name: "Epg", tag: "Guides", view: View, run: EpgImportRun },
});
